package io.loghaul.schema;

/**
 * The outcome of checking one record: {@link Accepted#INSTANCE} (the entry was filled in) or a
 * {@link Rejected} value. Rejection is a value, not an exception, so the hot path never throws.
 */
public sealed interface ParseResult permits Accepted, Rejected {}
