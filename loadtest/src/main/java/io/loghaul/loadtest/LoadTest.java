package io.loghaul.loadtest;

import java.util.Arrays;
import java.util.List;

/**
 * The command line of the load tests, run by {@code ./loghaul bench otlp|soak|compare|scale
 * [--key=value ...]}. Exit codes: 0 done, 1 the run failed, 2 usage error. Benchmarks report
 * numbers; no exit code depends on how fast anything was.
 */
public final class LoadTest {
  private LoadTest() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: loadtest otlp|soak|compare|scale|broker [--key=value ...]");
      System.exit(2);
      return;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "otlp" -> new OtlpSuite(Options.parse("otlp", rest, OtlpSuite.OPTIONS)).run();
        case "soak" -> new SoakSuite(Options.parse("soak", rest, SoakSuite.OPTIONS)).run();
        case "compare" ->
            new CompareSuite(Options.parse("compare", rest, CompareSuite.OPTIONS)).run();
        case "scale" -> new ScaleSuite(Options.parse("scale", rest, ScaleSuite.OPTIONS)).run();
        case "broker" ->
            BrokerProcess.runForeground(Options.parse("broker", rest, BrokerProcess.OPTIONS));
        default -> {
          System.err.println(
              "loadtest: unknown suite '"
                  + args[0]
                  + "' (expected: otlp, soak, compare, scale or broker)");
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("bench " + args[0] + " failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
    // gRPC and Kafka client threads may linger; the results are written
    System.exit(0);
  }
}
