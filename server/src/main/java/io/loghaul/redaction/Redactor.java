package io.loghaul.redaction;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Matcher;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.SchemaLimits;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Applies the current rules of a {@link RedactionRules} to accepted records, in file order, in
 * place on the {@link LogEntry}: each rule to the message and the attribute values it selects. An
 * attribute value that is compact JSON (an object or array) is redacted inside its string and
 * number tokens only, so it stays valid JSON; a redacted value never grows past its schema limit.
 *
 * <p>One per consuming thread: not thread-safe. It picks up a reloaded rule set at the next record.
 * A record no rule matches costs one summary pass per value ({@link TextStats}: a few instructions
 * per 8 bytes of ordinary text) and allocates nothing unless a {@code pattern} rule applies
 * (RE2/J's matcher allocates per value).
 */
public final class Redactor {
  /**
   * Passes over a value that changed, until one changes nothing: a replacement can join text into a
   * new match (a hash's hex digits before an {@code @}, a drop closing a gap). A value still
   * changing after these becomes the default mask whole.
   */
  private static final int MAX_PASSES = 8;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final RedactionRules source;
  private final int maxMessageBytes;
  private final int maxAttributeValueBytes;
  private final TextStats stats = new TextStats();

  private RedactionRules.Loaded loaded;
  private Rule[] rules = new Rule[0];
  private Runnable[] counters = new Runnable[0];
  private Matcher[] matchers = new Matcher[0];
  private Mac mac;

  /**
   * The current rules are all presets (no pattern, no keys rule): a value the summary rules out is
   * done.
   */
  private boolean presetsOnly;

  /** The {@link Preset#bit()}s of the current preset rules. */
  private int presetBits;

  private final byte[] digest = new byte[32];

  // the value being worked on: cur[curOff, curOff + curLen); results go to the other scratch buffer
  private byte[] cur;
  private int curOff;
  private int curLen;
  private byte[] scratchA = new byte[1024];
  private byte[] scratchB = new byte[1024];
  private byte[] out;
  private int outLen;
  private boolean[] containerIsObject = new boolean[16];

  public Redactor(RedactionRules source, SchemaLimits limits) {
    this.source = requireNonNull(source, "source");
    requireNonNull(limits, "limits");
    this.maxMessageBytes = limits.maxMessageBytes();
    this.maxAttributeValueBytes = limits.maxAttributeValueBytes();
  }

  private void refresh() {
    RedactionRules.Loaded now = source.loaded();
    if (now == loaded) {
      return;
    }
    loaded = now;
    List<Rule> list = now.rules().rules();
    rules = list.toArray(new Rule[0]);
    counters = now.counters();
    matchers = new Matcher[rules.length];
    for (int i = 0; i < rules.length; i++) {
      if (rules[i].pattern() != null) {
        matchers[i] = rules[i].pattern().matcher(new byte[0]);
      }
    }
    presetsOnly = true;
    presetBits = 0;
    for (Rule r : rules) {
      presetsOnly &= r.preset() != null;
      presetBits |= r.preset() != null ? r.preset().bit() : 0;
    }
    mac = null;
    if (now.rules().hashKey() != null) {
      try {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(now.rules().hashKey(), "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
  }

  /** Redacts {@code entry} in place; true when anything changed. */
  public boolean redact(LogEntry entry) {
    refresh();
    if (rules.length == 0) {
      return false;
    }
    boolean changed = false;
    byte[] arena = entry.arena();
    // the message
    if (redactText(
        arena,
        entry.messageOffset(),
        entry.messageLength(),
        true,
        null,
        0,
        0,
        false,
        maxMessageBytes)) {
      int off = entry.appendBytes(out, 0, outLen);
      entry.setMessage(off, outLen);
      changed = true;
    }
    // the attributes
    for (int i = 0; i < entry.attributeCount(); i++) {
      arena = entry.arena();
      int keyOff = entry.attributeKeyOffset(i);
      int keyLen = entry.attributeKeyLength(i);
      int valOff = entry.attributeValueOffset(i);
      int valLen = entry.attributeValueLength(i);
      int outcome = redactAttribute(arena, keyOff, keyLen, valOff, valLen);
      if (outcome == DROPPED) {
        entry.removeAttribute(i);
        i--;
        changed = true;
      } else if (outcome == CHANGED) {
        int off = entry.appendBytes(out, 0, outLen);
        entry.setAttributeValue(i, off, outLen);
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Applies the pattern and preset rules to a dead letter's raw value, as text; returns {@code
   * value} itself when nothing matched.
   */
  public byte[] redactRaw(byte[] value) {
    refresh();
    if (rules.length == 0 || value == null) {
      return value;
    }
    if (!redactText(value, 0, value.length, true, null, 0, 0, true, Integer.MAX_VALUE)) {
      return value;
    }
    return Arrays.copyOf(out, outLen);
  }

  private static final int UNCHANGED = 0;
  private static final int CHANGED = 1;
  private static final int DROPPED = 2;

  private int redactAttribute(byte[] arena, int keyOff, int keyLen, int valOff, int valLen) {
    cur = arena;
    curOff = valOff;
    curLen = valLen;
    boolean changed = false;
    boolean statsFresh = false;
    if (presetsOnly) {
      stats.scan(cur, curOff, curOff + curLen);
      if ((stats.possible() & presetBits) == 0) {
        return UNCHANGED;
      }
      statsFresh = true;
    }
    for (int r = 0; r < rules.length; r++) {
      Rule rule = rules[r];
      if (!rule.appliesToAttribute(arena, keyOff, keyLen)) {
        continue;
      }
      if (rule.isKeys()) {
        switch (rule.action()) {
          case DROP -> {
            counters[r].run();
            return DROPPED;
          }
          case MASK -> {
            byte[] repl = rule.replacement();
            if (curLen == repl.length
                && Arrays.equals(cur, curOff, curOff + curLen, repl, 0, repl.length)) {
              continue;
            }
            startOut();
            put(repl, 0, repl.length);
          }
          case HASH -> {
            startOut();
            putHash(cur, curOff, curLen);
          }
        }
        counters[r].run();
        swap();
        changed = true;
        statsFresh = false;
        continue;
      }
      if (!statsFresh) {
        stats.scan(cur, curOff, curOff + curLen);
        statsFresh = true;
      }
      if (applyRule(r, isJsonContainer())) {
        counters[r].run();
        swap();
        changed = true;
        statsFresh = false;
      }
    }
    if (changed) {
      settle(false, arena, keyOff, keyLen, false, maxAttributeValueBytes);
      return CHANGED;
    }
    return UNCHANGED;
  }

  /**
   * Applies the pattern and preset rules that select this value; leaves the result in {@code out[0,
   * outLen)} and returns true when it differs.
   */
  private boolean redactText(
      byte[] b,
      int off,
      int len,
      boolean isMessage,
      byte[] keyArena,
      int keyOff,
      int keyLen,
      boolean raw,
      int limit) {
    cur = b;
    curOff = off;
    curLen = len;
    boolean changed = pass(isMessage, keyArena, keyOff, keyLen, raw);
    if (!changed) {
      return false;
    }
    settle(isMessage, keyArena, keyOff, keyLen, raw, limit);
    return true;
  }

  /**
   * After a change: passes again until nothing changes (at most {@link #MAX_PASSES}), then cuts the
   * value to {@code limit} into {@code out}. A value that keeps changing, or that a cut turned into
   * a new match, becomes the default mask.
   */
  private void settle(
      boolean isMessage, byte[] keyArena, int keyOff, int keyLen, boolean raw, int limit) {
    boolean stable = false;
    for (int p = 1; p < MAX_PASSES && !stable; p++) {
      stable = !pass(isMessage, keyArena, keyOff, keyLen, raw);
    }
    if (!stable) {
      maskWhole(limit);
      return;
    }
    int before = curLen;
    finish(limit);
    if (outLen < before) {
      // the cut may have made a new match: check the cut value once
      swap();
      if (pass(isMessage, keyArena, keyOff, keyLen, raw)) {
        maskWhole(limit);
        return;
      }
      finish(limit);
    }
  }

  private void maskWhole(int limit) {
    startOut();
    put(MASK, 0, Math.min(MASK.length, limit));
  }

  /** One pass of the text rules over the current value; true when it changed. */
  private boolean pass(boolean isMessage, byte[] keyArena, int keyOff, int keyLen, boolean raw) {
    boolean changed = false;
    boolean statsFresh = false;
    if (presetsOnly) {
      stats.scan(cur, curOff, curOff + curLen);
      if ((stats.possible() & presetBits) == 0) {
        return false;
      }
      statsFresh = true;
    }
    for (int r = 0; r < rules.length; r++) {
      Rule rule = rules[r];
      if (rule.isKeys()) {
        continue;
      }
      if (!raw) {
        if (isMessage ? !rule.message() : !rule.appliesToAttribute(keyArena, keyOff, keyLen)) {
          continue;
        }
      }
      if (!statsFresh) {
        stats.scan(cur, curOff, curOff + curLen);
        statsFresh = true;
      }
      if (applyRule(r, !isMessage && !raw && isJsonContainer())) {
        counters[r].run();
        swap();
        changed = true;
        statsFresh = false;
      }
    }
    return changed;
  }

  /** The current value, now final, copied to {@code out} and cut to {@code limit}. */
  private void finish(int limit) {
    boolean json = isJsonContainer();
    startOut();
    put(cur, curOff, curLen);
    if (outLen > limit) {
      if (json) {
        // a cut would break the JSON: the whole value becomes the default mask
        outLen = 0;
        put(MASK, 0, Math.min(MASK.length, limit));
      } else {
        int end = limit;
        while (end > 0 && (out[end] & 0xC0) == 0x80) {
          end--;
        }
        outLen = end;
      }
    }
  }

  private static final byte[] MASK = {'*', '*', '*', '*'};

  private boolean isJsonContainer() {
    return curLen >= 2 && (cur[curOff] == '{' || cur[curOff] == '[');
  }

  // ---- one rule on the current value
  // --------------------------------------------------------------

  /**
   * Applies rule {@code r} to the current value into {@code out}; false (and {@code out}
   * unspecified) when nothing matched.
   */
  private boolean applyRule(int r, boolean json) {
    Rule rule = rules[r];
    int end = curOff + curLen;
    if (rule.preset() != null) {
      if (!rule.preset().mayMatch(stats)) {
        return false;
      }
      if (rule.preset().find(cur, curOff, end) == Preset.NONE) {
        return false;
      }
    } else {
      Matcher m = matchers[r];
      m.reset(Arrays.copyOfRange(cur, curOff, end));
      if (!m.find()) {
        return false;
      }
    }
    if (json) {
      int result = applyJson(r);
      if (result >= 0) {
        return result == 1;
      }
      // not well-formed JSON after all (a string value that starts with a brace): plain text
    }
    startOut();
    boolean any = replaceAll(r, cur, curOff, end, false);
    return any;
  }

  /** Replaces every match of rule {@code r} in {@code b[from, end)}, appending to {@code out}. */
  private boolean replaceAll(int r, byte[] b, int from, int end, boolean escape) {
    Rule rule = rules[r];
    boolean any = false;
    int pos = from;
    if (rule.preset() != null) {
      while (pos < end) {
        long m = rule.preset().find(b, pos, end);
        if (m == Preset.NONE) {
          break;
        }
        int s = (int) (m >>> 32);
        int e = (int) m;
        if (escape) {
          // inside a JSON string: never split an escape sequence (\n, \u00e9, \\)
          s = escapeBoundary(b, from, s);
          e = escapeBoundary(b, from, e);
          if (s >= e) {
            put(b, pos, e - pos);
            pos = e;
            continue;
          }
        }
        put(b, pos, s - pos);
        replacement(rule, b, s, e, escape);
        any = true;
        pos = e;
      }
    } else {
      Matcher m = matchers[r];
      m.reset(Arrays.copyOfRange(b, from, end));
      while (m.find()) {
        int s = from + m.start();
        int e = from + m.end();
        if (escape) {
          s = escapeBoundary(b, from, s);
          e = escapeBoundary(b, from, e);
        }
        if (e <= s || s < pos) {
          continue; // an empty match changes nothing; one moved into text already written is
          // dropped
        }
        put(b, pos, s - pos);
        replacement(rule, b, s, e, escape);
        any = true;
        pos = e;
      }
    }
    put(b, pos, end - pos);
    return any;
  }

  /**
   * The first position at or after {@code p} that is not inside a JSON escape sequence of {@code
   * b[from..]}.
   */
  private static int escapeBoundary(byte[] b, int from, int p) {
    int i = from;
    while (i < p) {
      i += b[i] != '\\' ? 1 : (i + 1 < b.length && b[i + 1] == 'u' ? 6 : 2);
    }
    return i;
  }

  private void replacement(Rule rule, byte[] b, int s, int e, boolean escape) {
    switch (rule.action()) {
      case MASK -> {
        byte[] repl = rule.replacement();
        if (escape) {
          putJsonEscaped(repl);
        } else {
          put(repl, 0, repl.length);
        }
      }
      case HASH -> putHash(b, s, e - s);
      case DROP -> {}
    }
  }

  /**
   * Applies rule {@code r} inside the string values and numbers of the compact JSON current value.
   * Returns 1 when something changed, 0 when not, -1 when the value is not well-formed JSON.
   */
  private int applyJson(int r) {
    byte[] b = cur;
    int end = curOff + curLen;
    int p = curOff;
    int depth = 0;
    boolean expectKey = false;
    boolean any = false;
    startOut();
    while (p < end) {
      byte c = b[p];
      switch (c) {
        case '{', '[' -> {
          if (depth == containerIsObject.length) {
            containerIsObject = Arrays.copyOf(containerIsObject, depth * 2);
          }
          containerIsObject[depth++] = c == '{';
          expectKey = c == '{';
          put(b, p, 1);
          p++;
        }
        case '}', ']' -> {
          if (depth == 0) {
            return -1;
          }
          depth--;
          expectKey = false;
          put(b, p, 1);
          p++;
        }
        case ',' -> {
          if (depth == 0) {
            return -1;
          }
          expectKey = containerIsObject[depth - 1];
          put(b, p, 1);
          p++;
        }
        case ':' -> {
          expectKey = false;
          put(b, p, 1);
          p++;
        }
        case '"' -> {
          int s = p + 1;
          int q = s;
          while (q < end && b[q] != '"') {
            q += b[q] == '\\' ? 2 : 1;
          }
          if (q >= end) {
            return -1;
          }
          put(b, p, 1);
          if (expectKey) {
            put(b, s, q - s);
          } else {
            any |= replaceAll(r, b, s, q, true);
          }
          put(b, q, 1);
          p = q + 1;
        }
        default -> {
          // a number or a literal: redact it as text; a changed number becomes a JSON string
          int s = p;
          while (p < end && b[p] != ',' && b[p] != '}' && b[p] != ']' && b[p] != ':') {
            p++;
          }
          if (p == s || depth == 0 || expectKey || !isJsonLiteral(b, s, p)) {
            return -1; // e.g. a string value "{4111 1111 ...}": text, not an object
          }
          int mark = outLen;
          put(QUOTE, 0, 1);
          boolean changed = replaceAll(r, b, s, p, true);
          if (changed) {
            put(QUOTE, 0, 1);
            any = true;
          } else {
            outLen = mark;
            put(b, s, p - s);
          }
        }
      }
    }
    return depth == 0 ? (any ? 1 : 0) : -1;
  }

  private static final byte[] QUOTE = {'"'};

  /**
   * {@code b[s, e)} is a JSON number, {@code true}, {@code false} or {@code null}: what compact
   * JSON holds outside strings (no spaces, no bare words).
   */
  static boolean isJsonLiteral(byte[] b, int s, int e) {
    if (literal(b, s, e, TRUE) || literal(b, s, e, FALSE) || literal(b, s, e, NULL)) {
      return true;
    }
    int p = s < e && b[s] == '-' ? s + 1 : s;
    int q = skipDigits(b, p, e);
    if (q == p) {
      return false;
    }
    if (q < e && b[q] == '.') {
      p = q + 1;
      q = skipDigits(b, p, e);
      if (q == p) {
        return false;
      }
    }
    if (q < e && (b[q] | 0x20) == 'e') {
      p = q + 1 < e && (b[q + 1] == '+' || b[q + 1] == '-') ? q + 2 : q + 1;
      q = skipDigits(b, p, e);
      if (q == p) {
        return false;
      }
    }
    return q == e;
  }

  private static int skipDigits(byte[] b, int p, int e) {
    while (p < e && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
    return p;
  }

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private static boolean literal(byte[] b, int s, int e, byte[] word) {
    return e - s == word.length && Arrays.equals(b, s, e, word, 0, word.length);
  }

  // ---- output buffers
  // ----------------------------------------------------------------------------

  private void startOut() {
    out = cur == scratchA ? scratchB : scratchA;
    outLen = 0;
  }

  /** The result becomes the current value. */
  private void swap() {
    if (out == scratchA) {
      scratchA = out;
    } else {
      scratchB = out;
    }
    cur = out;
    curOff = 0;
    curLen = outLen;
  }

  private void put(byte[] src, int off, int len) {
    if (len <= 0) {
      return;
    }
    ensure(len);
    System.arraycopy(src, off, out, outLen, len);
    outLen += len;
  }

  private void ensure(int extra) {
    if (outLen + extra > out.length) {
      byte[] grown = Arrays.copyOf(out, Math.max(outLen + extra, out.length * 2));
      if (out == scratchA) {
        scratchA = grown;
      } else {
        scratchB = grown;
      }
      out = grown;
    }
  }

  private void putJsonEscaped(byte[] s) {
    for (byte x : s) {
      if (x == '"' || x == '\\') {
        ensure(2);
        out[outLen++] = '\\';
        out[outLen++] = x;
      } else if ((x & 0xFF) < 0x20) {
        ensure(6);
        out[outLen++] = '\\';
        out[outLen++] = 'u';
        out[outLen++] = '0';
        out[outLen++] = '0';
        out[outLen++] = HEX[(x >> 4) & 0xF];
        out[outLen++] = HEX[x & 0xF];
      } else {
        ensure(1);
        out[outLen++] = x;
      }
    }
  }

  private void putHash(byte[] b, int off, int len) {
    mac.update(b, off, len);
    try {
      mac.doFinal(digest, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    ensure(64);
    for (byte x : digest) {
      out[outLen++] = HEX[(x >> 4) & 0xF];
      out[outLen++] = HEX[x & 0xF];
    }
  }
}
