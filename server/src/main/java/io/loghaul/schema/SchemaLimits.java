package io.loghaul.schema;

/**
 * The size, count, depth and time limits of docs/record-schema.md#limits ({@code schema.*} keys),
 * validated by the config loader.
 */
public record SchemaLimits(
    int maxRecordBytes,
    int maxServiceNameBytes,
    int maxMessageBytes,
    int maxAttributes,
    int maxAttributeKeyBytes,
    int maxAttributeValueBytes,
    int maxDepth,
    long maxAgeSeconds,
    long maxFutureSeconds) {

  public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;
  public static final int DEFAULT_MAX_SERVICE_NAME_BYTES = 256;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;
  public static final int DEFAULT_MAX_ATTRIBUTES = 128;
  public static final int DEFAULT_MAX_ATTRIBUTE_KEY_BYTES = 256;
  public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_BYTES = 16_384;
  public static final int DEFAULT_MAX_DEPTH = 8;
  public static final long DEFAULT_MAX_AGE_SECONDS = 604_800;
  public static final long DEFAULT_MAX_FUTURE_SECONDS = 900;

  /** The defaults of docs/configuration.md#schema-limits. */
  public static SchemaLimits defaults() {
    return new SchemaLimits(
        DEFAULT_MAX_RECORD_BYTES,
        DEFAULT_MAX_SERVICE_NAME_BYTES,
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_MAX_ATTRIBUTES,
        DEFAULT_MAX_ATTRIBUTE_KEY_BYTES,
        DEFAULT_MAX_ATTRIBUTE_VALUE_BYTES,
        DEFAULT_MAX_DEPTH,
        DEFAULT_MAX_AGE_SECONDS,
        DEFAULT_MAX_FUTURE_SECONDS);
  }
}
