package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import io.loghaul.schema.LogEntry;

/**
 * Encodes one {@link LogEntry} as one RowBinary row, in the column order of {@link
 * ClickHouseTable#insertSql(ServerProfile)} for the same profile. Allocates nothing per row.
 * Stateless apart from the profile; thread-safe.
 *
 * <p>Per column: {@code timestamp} is Int64 nanoseconds ({@code DateTime64(9)}, MODERN) or UInt32
 * seconds ({@code DateTime}, LEGACY, rounded down); {@code timestamp_ns} UInt64; strings are varint
 * length + UTF-8; {@code level} is the Enum8 code; absent ids are ''; {@code attributes} is a Map
 * (varint count, then key, value pairs) for MODERN and two {@code Array(String)} columns (keys,
 * then values) for LEGACY's Nested; then the provenance {@code kafka_topic}, {@code
 * kafka_partition} (UInt32), {@code kafka_offset} (UInt64).
 */
public final class RowBinaryEncoder {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final boolean modern;

  public RowBinaryEncoder(ServerProfile profile) {
    requireNonNull(profile, "profile");
    this.modern = profile == ServerProfile.MODERN;
  }

  /**
   * Appends the row for {@code entry}, read from Kafka at {@code topicUtf8}/{@code partition}/
   * {@code offset}, to {@code out}.
   */
  public void encode(LogEntry entry, byte[] topicUtf8, int partition, long offset, RowBuffer out) {
    long nanos = entry.timestampNanos();
    if (modern) {
      out.writeInt64LE(nanos);
    } else {
      out.writeUInt32LE(Math.floorDiv(nanos, NANOS_PER_SECOND));
    }
    out.writeUInt64LE(nanos);
    byte[] arena = entry.arena();
    out.writeString(arena, entry.serviceNameOffset(), entry.serviceNameLength());
    out.writeByte(entry.level().code());
    out.writeString(arena, entry.messageOffset(), entry.messageLength());
    if (entry.hasTraceId()) {
      out.writeString(entry.traceIdHex(), 0, entry.traceIdHex().length);
    } else {
      out.writeVarUInt(0);
    }
    if (entry.hasSpanId()) {
      out.writeString(entry.spanIdHex(), 0, entry.spanIdHex().length);
    } else {
      out.writeVarUInt(0);
    }
    int n = entry.attributeCount();
    out.writeVarUInt(n);
    if (modern) {
      for (int i = 0; i < n; i++) {
        out.writeString(arena, entry.attributeKeyOffset(i), entry.attributeKeyLength(i));
        out.writeString(arena, entry.attributeValueOffset(i), entry.attributeValueLength(i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        out.writeString(arena, entry.attributeKeyOffset(i), entry.attributeKeyLength(i));
      }
      out.writeVarUInt(n);
      for (int i = 0; i < n; i++) {
        out.writeString(arena, entry.attributeValueOffset(i), entry.attributeValueLength(i));
      }
    }
    out.writeString(topicUtf8, 0, topicUtf8.length);
    out.writeUInt32LE(partition & 0xFFFFFFFFL);
    out.writeUInt64LE(offset);
  }
}
