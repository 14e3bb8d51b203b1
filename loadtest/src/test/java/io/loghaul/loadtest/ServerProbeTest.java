package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ServerProbeTest {
  private static final String METRICS =
      """
      # HELP jvm_gc_pause_seconds Time spent in GC pause
      # TYPE jvm_gc_pause_seconds summary
      jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 12
      jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.25
      jvm_gc_pause_seconds_count{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 1
      jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 0.05
      jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.02
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E8
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 5.0E7
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 6.0E7
      process_resident_memory_bytes 6.5E8
      process_files_open_files 812.0
      otlp_connections_open{transport="http"} 230.0
      otlp_connections_open{transport="grpc"} 4.0
      otlp_connections_closed_total{reason="header_timeout",transport="http"} 17.0
      otlp_requests_total{outcome="success",transport="grpc"} 99.0
      """;

  @Test
  void sumsEveryLabelSetOfAMetric() {
    assertThat(ServerProbe.sum(METRICS, "jvm_gc_pause_seconds_sum", null)).isCloseTo(0.3, within());
    assertThat(ServerProbe.sum(METRICS, "jvm_gc_pause_seconds_count", null)).isEqualTo(13.0);
    assertThat(ServerProbe.sum(METRICS, "jvm_memory_used_bytes", "area=\"heap\""))
        .isEqualTo(1.548576E8);
    assertThat(ServerProbe.sum(METRICS, "process_resident_memory_bytes", null)).isEqualTo(6.5E8);
    assertThat(ServerProbe.sum(METRICS, "process_files_open", null)).isNaN();
    assertThat(ServerProbe.sum("", "process_resident_memory_bytes", null)).isNaN();
  }

  @Test
  void findsTheServersOpenConnectionGaugesButNotItsCounters() {
    Set<String> names = new TreeSet<>();
    assertThat(ServerProbe.connectionGauge(METRICS, names)).isEqualTo(234.0);
    assertThat(names).containsExactly("otlp_connections_open");
    assertThat(ServerProbe.connectionGauge("otlp_requests_total 5\n", new TreeSet<>())).isNaN();
  }

  @Test
  void countsServerSideSocketsOnAPortThatAreStillOpen() {
    // port 4318 = 0x10DE; states: 01 ESTABLISHED, 08 CLOSE_WAIT, 06 TIME_WAIT, 0A LISTEN
    List<String> tcp =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 00000000:10DE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1",
            "   1: 0100007F:10DE 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1",
            "   2: 0100007F:10DE 0100007F:9C41 08 00000000:00000000 00:00000000 00000000     0        0 3 1",
            "   3: 0100007F:10DE 0100007F:9C42 06 00000000:00000000 00:00000000 00000000     0        0 0 1",
            "   4: 0100007F:9C43 0100007F:10DE 01 00000000:00000000 00:00000000 00000000     0        0 4 1",
            "   5: 00000000000000000000000001000000:10DE 00000000000000000000000001000000:9C44 01 0:0 00:0 0 0 0 5 1");
    assertThat(ServerProbe.openConnections(tcp, 4318)).isEqualTo(3);
    assertThat(ServerProbe.openConnections(tcp, 4317)).isZero();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
