/**
 * Byte-level primitives shared by the codecs: strict UTF-8 validation ({@link
 * io.loghaul.bytes.Utf8}), protobuf/LEB128 varints ({@link io.loghaul.bytes.Varint}), lower-case
 * hex ids ({@link io.loghaul.bytes.Hex}), little-endian access to byte arrays ({@link
 * io.loghaul.bytes.LittleEndian}) and the W3C {@code traceparent} header ({@link
 * io.loghaul.bytes.Traceparent}). One copy of each, used by the JSON parser and protobuf codec
 * ({@code schema}), the OTLP decoder ({@code ingest}), the record headers and the ClickHouse
 * encoder. It depends on no other loghaul package. Everything is static, stateless and thread-safe;
 * the hot ones are small enough for the JIT to inline and allocate nothing.
 */
package io.loghaul.bytes;
