package io.loghaul.redaction;

/** What a rule does to what it matched. */
enum Action {
  /** Replace with the rule's replacement (default {@code ****}). */
  MASK,
  /**
   * Replace with the lower-case hex HMAC-SHA256 of the matched bytes, keyed by {@code
   * redaction.hash-key-file}.
   */
  HASH,
  /** Remove: the matched text, or for a {@code keys} rule the whole attribute. */
  DROP
}
