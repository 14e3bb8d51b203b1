package io.loghaul.schema;

import static java.util.Objects.requireNonNull;

/**
 * A record that failed the schema check.
 *
 * @param type the one error type of docs/record-schema.md#error-types (the first defect in the
 *     stated order)
 * @param field JSON-pointer-like path of the offending field, e.g. {@code /attributes/user.id};
 *     empty for whole-record errors
 * @param message English, at most 1 KiB, never more than 64 bytes of the payload
 */
public record Rejected(ErrorType type, String field, String message) implements ParseResult {
  public Rejected {
    requireNonNull(type, "type");
    requireNonNull(field, "field");
    requireNonNull(message, "message");
  }
}
