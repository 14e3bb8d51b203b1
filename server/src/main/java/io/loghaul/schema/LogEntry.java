package io.loghaul.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One checked log record, held as bytes so the hot path (parse → RowBinary encode) allocates
 * nothing per record. Mutable and reused: {@link #reset()} before filling it again.
 *
 * <p>All strings (service name, message, attribute keys and values) are UTF-8 bytes in one growable
 * arena ({@link #arena()}); the entry stores offset/length pairs into it. Trace and span ids are
 * lower-case ASCII hex (32 and 16 bytes) or absent. Not thread-safe.
 */
public final class LogEntry {
  private static final int ATTR_SLOTS = 4;

  private byte[] arena = new byte[512];
  private int arenaSize;

  private long timestampNanos;
  private Level level;
  private int serviceNameOffset;
  private int serviceNameLength;
  private int messageOffset;
  private int messageLength;
  private final byte[] traceId = new byte[32];
  private boolean hasTraceId;
  private final byte[] spanId = new byte[16];
  private boolean hasSpanId;
  private int attributeCount;
  private int[] attributes = new int[16 * ATTR_SLOTS];

  /** Empties the entry for reuse; keeps its buffers. */
  public void reset() {
    arenaSize = 0;
    timestampNanos = 0;
    level = null;
    serviceNameOffset = serviceNameLength = 0;
    messageOffset = messageLength = 0;
    hasTraceId = hasSpanId = false;
    attributeCount = 0;
  }

  // ---- arena -------------------------------------------------------------------------------

  /** The backing bytes of every string of this entry; valid until the next write. */
  public byte[] arena() {
    return arena;
  }

  /** Bytes used in {@link #arena()}; the next append goes here. */
  public int arenaSize() {
    return arenaSize;
  }

  /** Makes room for {@code extra} more bytes in the arena. */
  public void ensureArenaCapacity(int extra) {
    int needed = arenaSize + extra;
    if (needed > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(needed, arena.length * 2));
    }
  }

  /** Appends one byte to the arena. */
  public void appendByte(int b) {
    if (arenaSize == arena.length) {
      ensureArenaCapacity(1);
    }
    arena[arenaSize++] = (byte) b;
  }

  /** Appends {@code len} bytes to the arena and returns the offset they start at. */
  public int appendBytes(byte[] src, int off, int len) {
    ensureArenaCapacity(len);
    int start = arenaSize;
    System.arraycopy(src, off, arena, start, len);
    arenaSize += len;
    return start;
  }

  /** Appends a string as UTF-8 and returns the offset it starts at (for non-hot paths). */
  public int appendUtf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return appendBytes(b, 0, b.length);
  }

  /** Appends one code point as UTF-8 (1..4 bytes). */
  public void appendCodePoint(int cp) {
    if (cp < 0x80) {
      appendByte(cp);
    } else if (cp < 0x800) {
      ensureArenaCapacity(2);
      arena[arenaSize++] = (byte) (0xC0 | (cp >>> 6));
      arena[arenaSize++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      ensureArenaCapacity(3);
      arena[arenaSize++] = (byte) (0xE0 | (cp >>> 12));
      arena[arenaSize++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
      arena[arenaSize++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      ensureArenaCapacity(4);
      arena[arenaSize++] = (byte) (0xF0 | (cp >>> 18));
      arena[arenaSize++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
      arena[arenaSize++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
      arena[arenaSize++] = (byte) (0x80 | (cp & 0x3F));
    }
  }

  /**
   * Sets {@link #arenaSize()} to {@code size} after the caller wrote bytes up to it straight into
   * {@link #arena()}, within room made by {@link #ensureArenaCapacity}.
   */
  public void commitArena(int size) {
    arenaSize = size;
  }

  /** Drops arena bytes from {@code size} on (to undo a partial append). */
  public void truncateArena(int size) {
    arenaSize = size;
  }

  // ---- fields ------------------------------------------------------------------------------

  public long timestampNanos() {
    return timestampNanos;
  }

  public void setTimestampNanos(long nanos) {
    this.timestampNanos = nanos;
  }

  public Level level() {
    return level;
  }

  public void setLevel(Level level) {
    this.level = level;
  }

  public int serviceNameOffset() {
    return serviceNameOffset;
  }

  public int serviceNameLength() {
    return serviceNameLength;
  }

  /** Sets the service name to arena bytes {@code [offset, offset + length)}. */
  public void setServiceName(int offset, int length) {
    this.serviceNameOffset = offset;
    this.serviceNameLength = length;
  }

  public int messageOffset() {
    return messageOffset;
  }

  public int messageLength() {
    return messageLength;
  }

  /** Sets the message to arena bytes {@code [offset, offset + length)}. */
  public void setMessage(int offset, int length) {
    this.messageOffset = offset;
    this.messageLength = length;
  }

  public boolean hasTraceId() {
    return hasTraceId;
  }

  /** 32 lower-case hex ASCII bytes; meaningful only when {@link #hasTraceId()}. */
  public byte[] traceIdHex() {
    return traceId;
  }

  /**
   * Marks the trace id present; the caller has written 32 lower-case hex bytes into {@link
   * #traceIdHex()}.
   */
  public void setHasTraceId(boolean present) {
    this.hasTraceId = present;
  }

  public boolean hasSpanId() {
    return hasSpanId;
  }

  /** 16 lower-case hex ASCII bytes; meaningful only when {@link #hasSpanId()}. */
  public byte[] spanIdHex() {
    return spanId;
  }

  public void setHasSpanId(boolean present) {
    this.hasSpanId = present;
  }

  public int attributeCount() {
    return attributeCount;
  }

  /** Adds an attribute whose key and value are arena ranges. */
  public void addAttribute(int keyOffset, int keyLength, int valueOffset, int valueLength) {
    int base = attributeCount * ATTR_SLOTS;
    if (base + ATTR_SLOTS > attributes.length) {
      attributes = Arrays.copyOf(attributes, attributes.length * 2);
    }
    attributes[base] = keyOffset;
    attributes[base + 1] = keyLength;
    attributes[base + 2] = valueOffset;
    attributes[base + 3] = valueLength;
    attributeCount++;
  }

  /**
   * Points attribute {@code i}'s value at arena bytes {@code [valueOffset, valueOffset +
   * valueLength)}.
   */
  public void setAttributeValue(int i, int valueOffset, int valueLength) {
    attributes[i * ATTR_SLOTS + 2] = valueOffset;
    attributes[i * ATTR_SLOTS + 3] = valueLength;
  }

  /** Removes attribute {@code i}; the ones after it move down by one, keeping their order. */
  public void removeAttribute(int i) {
    int base = i * ATTR_SLOTS;
    System.arraycopy(
        attributes, base + ATTR_SLOTS, attributes, base, (attributeCount - i - 1) * ATTR_SLOTS);
    attributeCount--;
  }

  public int attributeKeyOffset(int i) {
    return attributes[i * ATTR_SLOTS];
  }

  public int attributeKeyLength(int i) {
    return attributes[i * ATTR_SLOTS + 1];
  }

  public int attributeValueOffset(int i) {
    return attributes[i * ATTR_SLOTS + 2];
  }

  public int attributeValueLength(int i) {
    return attributes[i * ATTR_SLOTS + 3];
  }

  // ---- convenience views (tests, slow paths; they allocate) --------------------------------

  public String serviceName() {
    return string(serviceNameOffset, serviceNameLength);
  }

  public String message() {
    return string(messageOffset, messageLength);
  }

  /** The trace id as lower-case hex, or "" when absent. */
  public String traceId() {
    return hasTraceId ? new String(traceId, StandardCharsets.US_ASCII) : "";
  }

  /** The span id as lower-case hex, or "" when absent. */
  public String spanId() {
    return hasSpanId ? new String(spanId, StandardCharsets.US_ASCII) : "";
  }

  public String attributeKey(int i) {
    return string(attributeKeyOffset(i), attributeKeyLength(i));
  }

  public String attributeValue(int i) {
    return string(attributeValueOffset(i), attributeValueLength(i));
  }

  private String string(int offset, int length) {
    return new String(arena, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("LogEntry{timestampNanos=")
            .append(timestampNanos)
            .append(", level=")
            .append(level)
            .append(", serviceName=")
            .append(serviceName())
            .append(", traceId=")
            .append(traceId())
            .append(", spanId=")
            .append(spanId())
            .append(", attributes={");
    for (int i = 0; i < attributeCount; i++) {
      sb.append(i == 0 ? "" : ", ").append(attributeKey(i)).append('=').append(attributeValue(i));
    }
    return sb.append("}, messageBytes=").append(messageLength).append('}').toString();
  }
}
