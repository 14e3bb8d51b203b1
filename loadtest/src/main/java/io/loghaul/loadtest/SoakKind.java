package io.loghaul.loadtest;

import java.util.Locale;

/**
 * The kinds of OTLP request {@code bench soak} sends: valid, partially valid (some records break
 * the schema) and malformed, each over one transport. The label ({@code mutated-json}) is how a
 * kind is named in options, CSV columns and summaries.
 */
enum SoakKind {
  VALID_GRPC(Category.VALID, Transport.GRPC),
  VALID_HTTP_PROTOBUF(Category.VALID, Transport.HTTP),
  VALID_HTTP_JSON(Category.VALID, Transport.HTTP),
  PARTIAL_GRPC(Category.PARTIAL, Transport.GRPC),
  PARTIAL_HTTP_PROTOBUF(Category.PARTIAL, Transport.HTTP),
  PARTIAL_HTTP_JSON(Category.PARTIAL, Transport.HTTP),
  /** A valid protobuf request with 1-4 random bytes replaced, inserted or deleted. */
  MUTATED_PROTOBUF_GRPC(Category.MALFORMED, Transport.GRPC),
  /** A valid protobuf request cut short. */
  TRUNCATED_PROTOBUF_GRPC(Category.MALFORMED, Transport.GRPC),
  MUTATED_PROTOBUF_HTTP(Category.MALFORMED, Transport.HTTP),
  TRUNCATED_PROTOBUF_HTTP(Category.MALFORMED, Transport.HTTP),
  MUTATED_JSON(Category.MALFORMED, Transport.HTTP),
  TRUNCATED_JSON(Category.MALFORMED, Transport.HTTP),
  /** A valid protobuf body sent as text/plain, application/xml or multipart/form-data. */
  WRONG_CONTENT_TYPE(Category.MALFORMED, Transport.HTTP),
  /** OTLP/JSON whose first {@code timeUnixNano} is {@code "179608245e157969341"} (issue 16). */
  HUGE_EXPONENT(Category.MALFORMED, Transport.HTTP),
  /** OTLP/JSON nested {@value SoakRequests#NESTING_DEPTH} levels deep. */
  DEEP_NESTING(Category.MALFORMED, Transport.HTTP),
  /** {@code Content-Encoding: gzip} on a body that is not gzip. */
  BAD_GZIP(Category.MALFORMED, Transport.HTTP);

  /** What the server should make of a request. */
  enum Category {
    VALID,
    PARTIAL,
    MALFORMED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** OTLP/gRPC or OTLP/HTTP (protobuf and JSON). */
  enum Transport {
    GRPC,
    HTTP;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  final Category category;
  final Transport transport;

  SoakKind(Category category, Transport transport) {
    this.category = category;
    this.transport = transport;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind labelled {@code label}, or null. */
  static SoakKind byLabel(String label) {
    for (SoakKind k : values()) {
      if (k.label().equals(label)) {
        return k;
      }
    }
    return null;
  }
}
