package io.loghaul.redaction;

import java.util.Locale;

/**
 * The built-in detectors of docs/redaction.md#presets. Each scans UTF-8 bytes in place and reports
 * the first match as {@code (start << 32) | end}, or {@link #NONE}; none allocates. A cheap
 * prefilter ({@link TextStats}, one pass for all presets) skips a preset for a value that cannot
 * hold a match.
 */
enum Preset {
  CREDIT_CARD {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.creditCard(b, from, end);
    }
  },
  EMAIL {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.email(b, from, end);
    }
  },
  IPV4 {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.ipv4(b, from, end);
    }
  },
  IPV6 {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.ipv6(b, from, end);
    }
  },
  JWT {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.jwt(b, from, end);
    }
  },
  BEARER_TOKEN {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.bearer(b, from, end);
    }
  },
  AWS_ACCESS_KEY_ID {
    @Override
    long find(byte[] b, int from, int end) {
      return Scanners.awsAccessKeyId(b, from, end);
    }
  };

  static final long NONE = -1L;

  /** False when the value summarised by {@code s} certainly holds no match. */
  final boolean mayMatch(TextStats s) {
    return (s.possible() & bit()) != 0;
  }

  /** This preset's bit in {@link TextStats#possible()}. */
  final int bit() {
    return 1 << ordinal();
  }

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
