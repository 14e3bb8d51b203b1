package io.loghaul.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class SourceRecordsTest {
  private static ConsumerRecord<byte[], byte[]> record(
      String topic,
      int partition,
      long offset,
      long timestamp,
      TimestampType type,
      byte[] key,
      byte[] value,
      RecordHeader... headers) {
    return new ConsumerRecord<>(
        topic,
        partition,
        offset,
        timestamp,
        type,
        key == null ? -1 : key.length,
        value == null ? -1 : value.length,
        key,
        value,
        new RecordHeaders(headers),
        Optional.empty());
  }

  private static void assertSame(
      ConsumerRecord<byte[], byte[]> actual, ConsumerRecord<byte[], byte[]> expected) {
    assertThat(actual.topic()).isEqualTo(expected.topic());
    assertThat(actual.partition()).isEqualTo(expected.partition());
    assertThat(actual.offset()).isEqualTo(expected.offset());
    assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
    assertThat(actual.timestampType()).isEqualTo(expected.timestampType());
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.value()).isEqualTo(expected.value());
    assertThat(actual.headers().toArray()).hasSameSizeAs(expected.headers().toArray());
    for (int i = 0; i < expected.headers().toArray().length; i++) {
      assertThat(actual.headers().toArray()[i].key())
          .isEqualTo(expected.headers().toArray()[i].key());
      assertThat(actual.headers().toArray()[i].value())
          .isEqualTo(expected.headers().toArray()[i].value());
    }
  }

  @Test
  void rebuildsEveryPartOfEveryRecord() {
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(
            record(
                "logs",
                0,
                0,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                null,
                "{\"a\":1}".getBytes(UTF_8)),
            record(
                "logs",
                7,
                Long.MAX_VALUE - 1,
                -1,
                TimestampType.LOG_APPEND_TIME,
                new byte[0],
                new byte[0],
                new RecordHeader("content-type", "application/json".getBytes(UTF_8)),
                new RecordHeader("traceparent", null),
                new RecordHeader("clé-ünïcode", new byte[] {0, (byte) 0xFF})),
            record(
                "other.topic",
                Integer.MAX_VALUE,
                42,
                5,
                TimestampType.NO_TIMESTAMP_TYPE,
                "k".getBytes(UTF_8),
                null),
            record(
                "logs",
                3,
                1L << 40,
                0,
                TimestampType.CREATE_TIME,
                "key".getBytes(UTF_8),
                new byte[] {1, 2, 3},
                new RecordHeader("dup", "1".getBytes(UTF_8)),
                new RecordHeader("dup", "2".getBytes(UTF_8))));
    SourceRecords sources = new SourceRecords(16, 2);
    records.forEach(sources::add);
    assertThat(sources.size()).isEqualTo(records.size());
    for (int i = 0; i < records.size(); i++) {
      assertSame(sources.get(i), records.get(i));
    }
    assertThatThrownBy(() -> sources.get(records.size()))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void growsPastItsInitialSizeAndIsReusableAfterReset() {
    SourceRecords sources = new SourceRecords(16, 16);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      byte[] value = new byte[i % 3_000];
      if (value.length > 0) {
        value[value.length - 1] = (byte) i;
      }
      records.add(
          record(
              "t" + (i % 3),
              i % 5,
              i,
              i * 1000L,
              TimestampType.CREATE_TIME,
              null,
              value,
              new RecordHeader("n", Integer.toString(i).getBytes(UTF_8))));
    }
    for (int round = 0; round < 2; round++) {
      records.forEach(sources::add);
      for (int i = 0; i < records.size(); i += 97) {
        assertSame(sources.get(i), records.get(i));
      }
      assertSame(sources.get(records.size() - 1), records.get(records.size() - 1));
      sources.reset();
      assertThat(sources.size()).isZero();
    }
  }

  @Test
  void keepsFullBlocksCompressedAndRebuildsRecordsFromAnyBlockInAnyOrder() throws Exception {
    SourceRecords sources = new SourceRecords(16, 16);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    long raw = 0;
    for (int i = 0; i < 12_000; i++) {
      // log-like values: compressible, about 600 bytes
      byte[] value =
          ("{\"timestamp\":"
                  + (1_795_316_252_000L + i)
                  + ",\"service_name\":\"checkout\","
                  + "\"level\":\"INFO\",\"message\":\"request "
                  + i
                  + " done "
                  + "x".repeat(400 + i % 100)
                  + "\"}")
              .getBytes(UTF_8);
      ConsumerRecord<byte[], byte[]> r =
          record(
              i % 3 == 0 ? "logs" : "other",
              i % 4,
              1_000 + i,
              42L + i,
              TimestampType.CREATE_TIME,
              ("k" + i).getBytes(UTF_8),
              value,
              new RecordHeader("h", ("v" + i).getBytes(UTF_8)));
      records.add(r);
      sources.add(r);
      raw += value.length;
    }
    assertThat(raw).isGreaterThan(5L * SourceRecords.BLOCK_BYTES);
    assertThat(sources.size()).isEqualTo(records.size());
    // compressed: far less than the values alone (once no raw block waits for the compressor)
    sources.awaitCompressed();
    assertThat((long) sources.heldBytes()).isLessThan(raw / 4);
    // backwards, forwards and jumping between blocks
    for (int i = records.size() - 1; i >= 0; i -= 7) {
      assertSame(sources.get(i), records.get(i));
    }
    // where each came from, without decompressing
    for (int i = 0; i < records.size(); i++) {
      assertThat(sources.topic(i)).isEqualTo(records.get(i).topic());
      assertThat(sources.partition(i)).isEqualTo(records.get(i).partition());
      assertThat(sources.offset(i)).isEqualTo(records.get(i).offset());
    }
    for (int i = 0; i < records.size(); i += 5) {
      assertSame(sources.get(i), records.get(i));
    }
    assertSame(sources.get(records.size() - 1), records.get(records.size() - 1));
    assertSame(sources.get(0), records.get(0));

    sources.reset();
    assertThat(sources.size()).isZero();
    assertThat(sources.heldBytes()).isZero();
    sources.add(records.get(5));
    assertSame(sources.get(0), records.get(5));
  }

  @Test
  void readsTopicPartitionAndOffsetWithoutRebuildingTheRecord() {
    SourceRecords sources = new SourceRecords(16, 2);
    sources.add(record("a", 3, 77L, 1L, TimestampType.CREATE_TIME, null, new byte[] {1}));
    sources.add(record("b.c", 0, Long.MAX_VALUE, 2L, TimestampType.LOG_APPEND_TIME, null, null));

    assertThat(sources.topic(0)).isEqualTo("a");
    assertThat(sources.partition(0)).isEqualTo(3);
    assertThat(sources.offset(0)).isEqualTo(77L);
    assertThat(sources.topic(1)).isEqualTo("b.c");
    assertThat(sources.partition(1)).isZero();
    assertThat(sources.offset(1)).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> sources.offset(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void copiesKeyAndValueSlicesOutOfLargerArrays() {
    byte[] array = "..key..value..".getBytes(UTF_8);
    ConsumerRecord<byte[], byte[]> meta =
        record(
            "logs",
            3,
            42,
            1_000,
            TimestampType.LOG_APPEND_TIME,
            null,
            null,
            new RecordHeader("h", new byte[] {1}));
    SourceRecords sources = new SourceRecords(16, 16);
    sources.add(meta, array, 2, 3, array, 7, 5);
    sources.add(meta, null, 0, 0, array, 0, 0);
    java.util.Arrays.fill(array, (byte) '#'); // the consumer's buffer, reused

    ConsumerRecord<byte[], byte[]> first = sources.get(0);
    assertThat(first.key()).isEqualTo("key".getBytes(UTF_8));
    assertThat(first.value()).isEqualTo("value".getBytes(UTF_8));
    assertThat(first.offset()).isEqualTo(42);
    assertThat(first.headers().lastHeader("h").value()).containsExactly(1);
    ConsumerRecord<byte[], byte[]> second = sources.get(1);
    assertThat(second.key()).isNull();
    assertThat(second.value()).isEmpty();
    assertThatThrownBy(() -> sources.add(meta, null, 0, 0, array, 10, 5))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
