/**
 * Redaction of sensitive data (docs/redaction.md): the rules of {@code redaction.rules-file}
 * (presets, RE2 patterns, attribute keys; mask, hash or drop), applied by the pipeline to every
 * accepted record after the schema check and before the row is encoded, and optionally to dead
 * letters' raw values. Depends only on the schema.
 */
package io.loghaul.redaction;
