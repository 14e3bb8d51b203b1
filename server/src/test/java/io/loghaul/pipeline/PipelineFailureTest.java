package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.record.NanoClock;
import io.loghaul.schema.SchemaLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What the pipeline reports when its consumer loop dies. Kafka's own in-memory test doubles stand
 * in for the broker: the failure is thrown from {@code poll}, so nothing reaches ClickHouse or the
 * DLQ (the integration tests cover those with real servers).
 */
class PipelineFailureTest {
  private final MockConsumer<ByteBuffer, ByteBuffer> consumer =
      new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

  private Pipeline pipeline() {
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry(), "logs");
    DeadLetterPublisher deadLetters =
        new DeadLetterPublisher(producer, "logs.dlq", Clock.systemUTC(), l -> {});
    // never reached: the loop dies in its first poll
    MemorySink sink = new MemorySink();
    return new Pipeline(
        consumer,
        (partition, offset) -> new SourceReader.Unavailable("not needed here"),
        List.of("logs"),
        new RecordDecoder(SchemaLimits.defaults()),
        null,
        sink,
        deadLetters,
        metrics,
        new LoghaulConfig.Batch(100_000, 16 << 20, 1000),
        Clock.systemUTC(),
        NanoClock.SYSTEM);
  }

  @Test
  void anErrorInTheLoopCompletesFailureSoTheProcessCanExit() throws Exception {
    Pipeline pipeline = pipeline();
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space (test)");
    consumer.schedulePollTask(
        () -> {
          throw oom;
        });
    pipeline.start();
    assertThat(pipeline.failure().get(10, TimeUnit.SECONDS)).isSameAs(oom);
    pipeline.close();
  }

  @Test
  void aCloseIsNotAFailure() throws Exception {
    Pipeline pipeline = pipeline();
    pipeline.start();
    Thread.sleep(300);
    pipeline.close();
    assertThat(pipeline.failure()).isNotDone();
  }
}
