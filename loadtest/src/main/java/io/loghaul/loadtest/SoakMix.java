package io.loghaul.loadtest;

import io.loghaul.loadtest.SoakKind.Category;
import io.loghaul.loadtest.SoakKind.Transport;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The share of each {@link SoakKind} in the request stream: {@code valid}, {@code partial} and
 * {@code malformed} (summing to 1); valid and partial requests go over gRPC with {@code grpcShare},
 * the rest over HTTP, as OTLP/JSON with {@code jsonShare} and protobuf otherwise; the malformed
 * share is split evenly over the enabled malformed kinds. Each transport's sender paces its own
 * share of the rate and {@link #pick picks} from its own kinds, so a stalled transport cannot hold
 * up the other. Immutable; thread-safe.
 */
final class SoakMix {
  static final double DEFAULT_VALID = 0.8;
  static final double DEFAULT_PARTIAL = 0.1;
  static final double DEFAULT_MALFORMED = 0.1;
  static final double DEFAULT_GRPC_SHARE = 0.5;
  static final double DEFAULT_JSON_SHARE = 0.5;

  private final Map<SoakKind, Double> shares = new EnumMap<>(SoakKind.class);

  SoakMix(
      double valid,
      double partial,
      double malformed,
      double grpcShare,
      double jsonShare,
      Set<SoakKind> malformedKinds) {
    double sum = valid + partial + malformed;
    if (Math.abs(sum - 1) > 1e-6) {
      throw new IllegalArgumentException(
          "soak: --valid + --partial + --malformed = " + sum + " (expected: 1)");
    }
    if (malformed > 0 && malformedKinds.isEmpty()) {
      throw new IllegalArgumentException(
          "soak: --malformed-kinds is empty (expected: at least one, or --malformed=0)");
    }
    for (SoakKind k : SoakKind.values()) {
      shares.put(k, 0.0);
    }
    split(
        valid,
        grpcShare,
        jsonShare,
        SoakKind.VALID_GRPC,
        SoakKind.VALID_HTTP_PROTOBUF,
        SoakKind.VALID_HTTP_JSON);
    split(
        partial,
        grpcShare,
        jsonShare,
        SoakKind.PARTIAL_GRPC,
        SoakKind.PARTIAL_HTTP_PROTOBUF,
        SoakKind.PARTIAL_HTTP_JSON);
    for (SoakKind k : malformedKinds) {
      if (k.category != Category.MALFORMED) {
        throw new IllegalArgumentException("soak: " + k.label() + " is not a malformed kind");
      }
      shares.put(k, malformed / malformedKinds.size());
    }
  }

  private void split(
      double share, double grpc, double json, SoakKind g, SoakKind protobuf, SoakKind js) {
    shares.put(g, share * grpc);
    shares.put(protobuf, share * (1 - grpc) * (1 - json));
    shares.put(js, share * (1 - grpc) * json);
  }

  /** The fraction of all requests that are of {@code kind}. */
  double share(SoakKind kind) {
    return shares.get(kind);
  }

  /** The fraction of all requests that go over {@code transport}. */
  double share(Transport transport) {
    return shares.entrySet().stream()
        .filter(e -> e.getKey().transport == transport)
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /**
   * A kind of {@code transport}, drawn with the kinds' shares; null when the transport has none.
   */
  SoakKind pick(Transport transport, SplittableRandom random) {
    double total = share(transport);
    if (total <= 0) {
      return null;
    }
    double x = random.nextDouble() * total;
    SoakKind last = null;
    for (Map.Entry<SoakKind, Double> e : shares.entrySet()) {
      if (e.getKey().transport != transport || e.getValue() <= 0) {
        continue;
      }
      last = e.getKey();
      x -= e.getValue();
      if (x < 0) {
        return last;
      }
    }
    return last;
  }

  /** Every kind with a share above 0, with its share, for reports. */
  Map<String, Double> describe() {
    Map<String, Double> m = new LinkedHashMap<>();
    shares.forEach(
        (k, v) -> {
          if (v > 0) {
            m.put(k.label(), BenchFiles.round(v));
          }
        });
    return m;
  }

  /**
   * {@code all}, or a comma-separated list of malformed kind labels, e.g. {@code
   * mutated-json,bad-gzip}; {@code none} for no malformed kind.
   */
  static Set<SoakKind> parseMalformedKinds(String csv) {
    Set<SoakKind> all = EnumSet.noneOf(SoakKind.class);
    for (SoakKind k : SoakKind.values()) {
      if (k.category == Category.MALFORMED) {
        all.add(k);
      }
    }
    String v = csv.trim();
    if (v.equals("all")) {
      return all;
    }
    Set<SoakKind> kinds = EnumSet.noneOf(SoakKind.class);
    if (v.equals("none")) {
      return kinds;
    }
    for (String label : v.split(",")) {
      SoakKind k = SoakKind.byLabel(label.trim());
      if (k == null || !all.contains(k)) {
        throw new IllegalArgumentException(
            "soak: --malformed-kinds: "
                + csv
                + " (expected: all, none, or some of "
                + all.stream().map(SoakKind::label).collect(Collectors.joining(","))
                + ")");
      }
      kinds.add(k);
    }
    return kinds;
  }

  static List<String> labels(Set<SoakKind> kinds) {
    return Arrays.stream(SoakKind.values()).filter(kinds::contains).map(SoakKind::label).toList();
  }
}
