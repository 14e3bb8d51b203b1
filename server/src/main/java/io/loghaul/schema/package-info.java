/**
 * The one strict schema every log record must pass (docs/record-schema.md): the reusable
 * byte-oriented {@link io.loghaul.schema.LogEntry}, the single-pass JSON {@link
 * io.loghaul.schema.LogEntryParser} for Kafka record values, the {@link
 * io.loghaul.schema.LogEntryValidator} applying the same content rules to entries built from OTLP
 * or protobuf, and the closed set of {@link io.loghaul.schema.ErrorType}s a rejection carries, as a
 * {@link io.loghaul.schema.Rejected} value rather than an exception. The parser's parts are
 * package-private: {@code JsonLexer} (bytes to tokens), {@code CompactJsonWriter} (attribute values
 * as compact JSON), {@code AttributeKeys}, {@code TimestampWindow} and {@code Echo} (shared with
 * the validator). Byte-level primitives (UTF-8, varints, hex ids) come from {@code
 * io.loghaul.bytes}.
 */
package io.loghaul.schema;
