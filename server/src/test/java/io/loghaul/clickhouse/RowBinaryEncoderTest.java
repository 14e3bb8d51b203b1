package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RowBinaryEncoderTest {
  private static final byte[] TOPIC = "logs".getBytes(StandardCharsets.UTF_8);

  // Expected bytes, column by column, computed by hand (varint length + UTF-8 for strings).
  private static final String NANOS_INT64 = "15e54d8b9e3eea18"; // 1795316252123456789
  private static final String SECONDS_UINT32 = "1c5a026b"; // 1795316252
  private static final String SERVICE = "08" + "636865636b6f7574"; // "checkout"
  private static final String LEVEL_WARN = "04";
  private static final String MESSAGE = "0a" + "68c3a96c6c6f20e29c93"; // "héllo ✓", 10 bytes
  private static final String TRACE =
      "20" + "3462663932663335373762333464613661336365393239643065306534373336";
  private static final String SPAN = "10" + "30306630363761613062613930326237";
  private static final String KEY_HTTP_STATUS = "0b" + "687474702e737461747573";
  private static final String VALUE_200 = "03" + "323030";
  private static final String KEY_USER = "04" + "75736572";
  private static final String VALUE_TIER =
      "0f" + "7b2274696572223a22676f6c64227d"; // {"tier":"gold"}
  private static final String PROVENANCE =
      "04" + "6c6f6773" + "03000000" + "2a00000000000000"; // logs, 3, 42

  @Test
  void encodesAFullRowForModernServers() {
    RowBuffer out = new RowBuffer(8);

    new RowBinaryEncoder(ServerProfile.MODERN).encode(fullEntry(), TOPIC, 3, 42, out);

    assertThat(hex(out))
        .isEqualTo(
            NANOS_INT64
                + NANOS_INT64
                + SERVICE
                + LEVEL_WARN
                + MESSAGE
                + TRACE
                + SPAN
                + "02"
                + KEY_HTTP_STATUS
                + VALUE_200
                + KEY_USER
                + VALUE_TIER // Map: count, then pairs
                + PROVENANCE);
  }

  @Test
  void encodesAFullRowForLegacyServers() {
    RowBuffer out = new RowBuffer(8);

    new RowBinaryEncoder(ServerProfile.LEGACY).encode(fullEntry(), TOPIC, 3, 42, out);

    assertThat(hex(out))
        .isEqualTo(
            SECONDS_UINT32
                + NANOS_INT64
                + SERVICE
                + LEVEL_WARN
                + MESSAGE
                + TRACE
                + SPAN
                + "02"
                + KEY_HTTP_STATUS
                + KEY_USER // attributes.key
                + "02"
                + VALUE_200
                + VALUE_TIER // attributes.value
                + PROVENANCE);
  }

  @Test
  void encodesAMinimalRowWithEmptyIdsAndNoAttributes() {
    LogEntry e = new LogEntry();
    e.setTimestampNanos(1_700_000_000_000_000_000L);
    e.setLevel(Level.INFO);
    e.setServiceName(e.appendUtf8("boot"), 4);
    e.setMessage(e.appendUtf8("ready"), 5);
    String tsNs = "00002a36fe9c9717"; // 1700000000000000000 as UInt64
    String middle = "04626f6f74" + "03" + "057265616479" + "00" + "00"; // boot, INFO, ready, '', ''
    String provenance =
        "04"
            + "6c6f6773"
            + "ffffffff"
            + "0500000000000080"; // partition -1 as UInt32, offset 2^63+5

    RowBuffer modern = new RowBuffer();
    new RowBinaryEncoder(ServerProfile.MODERN).encode(e, TOPIC, -1, Long.MIN_VALUE + 5, modern);
    RowBuffer legacy = new RowBuffer();
    new RowBinaryEncoder(ServerProfile.LEGACY).encode(e, TOPIC, -1, Long.MIN_VALUE + 5, legacy);

    assertThat(hex(modern)).isEqualTo("00002a36fe9c9717" + tsNs + middle + "00" + provenance);
    assertThat(hex(legacy)).isEqualTo("00f15365" + tsNs + middle + "00" + "00" + provenance);
  }

  @Test
  void writesLongStringsWithMultiByteLengths() {
    LogEntry e = new LogEntry();
    e.setTimestampNanos(0);
    e.setLevel(Level.FATAL);
    e.setServiceName(e.appendUtf8("s"), 1);
    String message = "m".repeat(300);
    e.setMessage(e.appendUtf8(message), 300);
    RowBuffer out = new RowBuffer();

    new RowBinaryEncoder(ServerProfile.MODERN).encode(e, TOPIC, 0, 0, out);

    String h = hex(out);
    assertThat(h)
        .startsWith("0000000000000000" + "0000000000000000" + "0173" + "06" + "ac02" + "6d6d");
    assertThat(out.size()).isEqualTo(8 + 8 + 2 + 1 + 2 + 300 + 1 + 1 + 1 + 5 + 4 + 8);
  }

  @Test
  void appendsRowsAfterEachOther() {
    RowBuffer out = new RowBuffer();
    RowBinaryEncoder encoder = new RowBinaryEncoder(ServerProfile.LEGACY);
    LogEntry e = fullEntry();

    encoder.encode(e, TOPIC, 3, 42, out);
    int one = out.size();
    encoder.encode(e, TOPIC, 3, 42, out);

    assertThat(out.size()).isEqualTo(2 * one);
    assertThat(hex(out)).isEqualTo(hex(out).substring(0, 2 * one).repeat(2));
  }

  @Test
  void allocatesNothingPerRow() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    RowBinaryEncoder modern = new RowBinaryEncoder(ServerProfile.MODERN);
    RowBinaryEncoder legacy = new RowBinaryEncoder(ServerProfile.LEGACY);
    LogEntry e = fullEntry();
    RowBuffer out = new RowBuffer(1 << 20);
    for (int i = 0; i < 20_000; i++) { // let the buffer reach its size and the JIT settle
      out.reset();
      modern.encode(e, TOPIC, 3, i, out);
      legacy.encode(e, TOPIC, 3, i, out);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      out.reset();
      modern.encode(e, TOPIC, 3, i, out);
      legacy.encode(e, TOPIC, 3, i, out);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    // 200,000 rows; a single allocation per row would show as megabytes
    assertThat(allocated).isLessThan(64 * 1024);
  }

  static LogEntry fullEntry() {
    LogEntry e = new LogEntry();
    e.setTimestampNanos(1_795_316_252_123_456_789L);
    e.setLevel(Level.WARN);
    e.setServiceName(e.appendUtf8("checkout"), 8);
    e.setMessage(e.appendUtf8("héllo ✓"), 10);
    byte[] trace = "4bf92f3577b34da6a3ce929d0e0e4736".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(trace, 0, e.traceIdHex(), 0, 32);
    e.setHasTraceId(true);
    byte[] span = "00f067aa0ba902b7".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(span, 0, e.spanIdHex(), 0, 16);
    e.setHasSpanId(true);
    e.addAttribute(e.appendUtf8("http.status"), 11, e.appendUtf8("200"), 3);
    e.addAttribute(e.appendUtf8("user"), 4, e.appendUtf8("{\"tier\":\"gold\"}"), 15);
    return e;
  }

  private static String hex(RowBuffer b) {
    return HexFormat.of().formatHex(b.array(), 0, b.size());
  }
}
