package io.loghaul.redaction;

import java.util.Locale;

/**
 * The built-in detectors of docs/redaction.md#presets. Each scans UTF-8 bytes in place and reports
 * the first match as {@code (start << 32) | end}, or {@link #NONE}; none allocates. A cheap
 * prefilter ({@link TextStats}) skips a preset for a value that cannot hold a match.
 */
enum Preset {
  CREDIT_CARD {
    @Override
    boolean mayMatch(TextStats s) {
      return s.digits() >= 13;
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.creditCard(b, from, end);
    }
  },
  EMAIL {
    @Override
    boolean mayMatch(TextStats s) {
      return s.has(TextStats.AT) && s.dots() >= 1;
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.email(b, from, end);
    }
  },
  IPV4 {
    @Override
    boolean mayMatch(TextStats s) {
      return s.digits() >= 4 && s.dots() >= 3;
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.ipv4(b, from, end);
    }
  },
  IPV6 {
    @Override
    boolean mayMatch(TextStats s) {
      return s.colons() >= 2;
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.ipv6(b, from, end);
    }
  },
  JWT {
    @Override
    boolean mayMatch(TextStats s) {
      return s.has(TextStats.JWT_START) && s.dots() >= 2;
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.jwt(b, from, end);
    }
  },
  BEARER_TOKEN {
    @Override
    boolean mayMatch(TextStats s) {
      return s.has(TextStats.BEARER_WORD);
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.bearer(b, from, end);
    }
  },
  AWS_ACCESS_KEY_ID {
    @Override
    boolean mayMatch(TextStats s) {
      return s.has(TextStats.AWS_START);
    }

    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.awsAccessKeyId(b, from, end);
    }
  };

  static final long NONE = -1L;

  /** False when the value summarised by {@code s} certainly holds no match. */
  abstract boolean mayMatch(TextStats s);

  /** The first match in {@code b[from, end)} as {@code (start << 32) | end}, or {@link #NONE}. */
  abstract long find(byte[] b, int from, int end);

  /** The name used in rules files, e.g. {@code credit_card}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Preset byLabel(String label) {
    for (Preset p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    return null;
  }
}
