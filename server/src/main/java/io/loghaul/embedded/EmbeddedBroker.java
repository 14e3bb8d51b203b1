package io.loghaul.embedded;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

/**
 * The embedded Kafka broker as the server sees it: started when {@code kafka.bootstrap} is unset.
 * The broker itself ({@code io.loghaul.embedded.kafka.EmbeddedKafka} in the {@code
 * loghaul-embedded-kafka} module, which brings Kafka's broker and the Scala runtime) is only a
 * runtime dependency of the server, so it is looked up by name here; a production build may leave
 * it out and then needs {@code kafka.bootstrap}.
 *
 * <p>{@link #start} blocks until the broker answers clients; {@link #close()} stops it, bounded in
 * time, and is idempotent.
 */
public final class EmbeddedBroker implements AutoCloseable {

  static final String BROKER_CLASS = "io.loghaul.embedded.kafka.EmbeddedKafka";

  private final AutoCloseable broker;
  private final String bootstrapServers;
  private final int controllerPort;

  private EmbeddedBroker(AutoCloseable broker, String bootstrapServers, int controllerPort) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.controllerPort = controllerPort;
  }

  /**
   * Starts the embedded broker with its data under {@code dataDir}, serving clients on {@code
   * 127.0.0.1:port}, its KRaft controller on {@code 127.0.0.1:controllerPort}.
   *
   * @throws IllegalStateException if this build has no embedded broker (the message names {@code
   *     kafka.bootstrap}), if the controller port is taken (the message names {@code
   *     kafka.embedded.controller-port}), or if the broker does not start in time
   */
  public static EmbeddedBroker start(Path dataDir, int port, int controllerPort) {
    return start(BROKER_CLASS, dataDir, port, controllerPort);
  }

  static EmbeddedBroker start(String brokerClass, Path dataDir, int port, int controllerPort) {
    requireNonNull(dataDir, "dataDir");
    MethodHandle start;
    MethodHandle bootstrapServers;
    MethodHandle controller;
    try {
      Class<?> type = Class.forName(brokerClass);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      start =
          lookup.findStatic(
              type, "start", MethodType.methodType(type, Path.class, int.class, int.class));
      controller = lookup.findVirtual(type, "controllerPort", MethodType.methodType(int.class));
      bootstrapServers =
          lookup.findVirtual(type, "bootstrapServers", MethodType.methodType(String.class));
    } catch (ClassNotFoundException | LinkageError e) {
      throw absent(brokerClass, e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(brokerClass + " does not have the expected methods", e);
    }
    try {
      AutoCloseable broker = (AutoCloseable) start.invoke(dataDir, port, controllerPort);
      return new EmbeddedBroker(
          broker, (String) bootstrapServers.invoke(broker), (int) controller.invoke(broker));
    } catch (NoClassDefFoundError e) {
      // the broker class is there but Kafka's broker libraries are not
      throw absent(brokerClass, e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      // start declares no checked exception
      throw new IllegalStateException("embedded Kafka failed to start", e);
    }
  }

  /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The KRaft controller's port, on 127.0.0.1. */
  public int controllerPort() {
    return controllerPort;
  }

  @Override
  public void close() throws Exception {
    broker.close();
  }

  private static IllegalStateException absent(String brokerClass, Throwable cause) {
    return new IllegalStateException(
        "kafka.bootstrap is not set and this build has no embedded Kafka broker ("
            + brokerClass
            + " or Kafka's broker libraries are not on the class path): set kafka.bootstrap to"
            + " your Kafka brokers, e.g. --kafka.bootstrap=broker:9092",
        cause);
  }
}
