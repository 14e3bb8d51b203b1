package io.loghaul;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.loghaul.clickhouse.RefusedRow;
import io.loghaul.clickhouse.RowBatch;
import io.loghaul.clickhouse.RowSink;
import java.util.Arrays;

/**
 * The package tree is the data flow (ingest → schema → pipeline [→ redaction] → dlq → clickhouse),
 * and the build keeps it so: no cycle between packages, and each package imports only the packages
 * below it. {@code bytes} (UTF-8, varints, hex ids, little-endian access) is below everything: any
 * package may use it and it uses nothing of ours. {@code record} and {@code schema} come next: they
 * depend on nothing of ours but {@code bytes}. The root package ({@code Loghaul}, {@code
 * LoghaulServer}) wires everything and may use anything.
 *
 * <p>Compile-time constants are inlined by javac, so a use of only a constant is invisible here.
 */
@AnalyzeClasses(packages = "io.loghaul", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependenciesTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.loghaul.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule bytesDependsOnNothingOfOurs =
      classes()
          .that()
          .resideInAPackage("io.loghaul.bytes..")
          .should()
          .onlyDependOnClassesThat(
              not(resideInAPackage("io.loghaul..")).or(resideInAPackage("io.loghaul.bytes..")));

  @ArchTest static final ArchRule recordDependsOnNothingOfOurs = only("record");

  @ArchTest static final ArchRule schemaDependsOnNothingOfOurs = only("schema");

  @ArchTest static final ArchRule ingestUsesSchemaAndRecord = only("ingest", "schema", "record");

  @ArchTest static final ArchRule dlqUsesSchemaAndRecord = only("dlq", "schema", "record");

  /**
   * It knows rows and whether ClickHouse took them; dead letters and offsets are not its business.
   */
  @ArchTest
  static final ArchRule clickhouseUsesSchemaAndRecord = only("clickhouse", "schema", "record");

  /**
   * Redaction rewrites checked records ({@code schema.LogEntry}) and nothing else: the pipeline
   * calls it, the DLQ sees it only as a function on values, metrics implement its observer.
   */
  @ArchTest static final ArchRule redactionUsesSchemaOnly = only("redaction", "schema");

  @ArchTest
  static final ArchRule pipelineUsesTheStagesBelowIt =
      only("pipeline", "schema", "record", "dlq", "clickhouse", "metrics", "config", "redaction");

  /**
   * The pipeline sees ClickHouse only as a sink of rows, so it can be tested with an in-memory one.
   */
  @ArchTest
  static final ArchRule pipelineSeesClickHouseOnlyAsARowSink =
      noClasses()
          .that()
          .resideInAPackage("io.loghaul.pipeline..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.loghaul.clickhouse..")
                  .and(not(belongToAnyOf(RowSink.class, RowBatch.class, RefusedRow.class))));

  /** Meters and the admin endpoint; they implement the stages' observer interfaces. */
  @ArchTest
  static final ArchRule metricsUsesObserverInterfacesOnly =
      only("metrics", "schema", "record", "config", "ingest", "clickhouse", "redaction");

  /** Typed configuration; {@code ingest.ListenerLimits} is the listeners' own limits type. */
  @ArchTest static final ArchRule configUsesSchemaOnly = only("config", "schema", "ingest");

  @ArchTest static final ArchRule embeddedServersUseNothingOfOurs = only("embedded");

  /**
   * The operator's DLQ tools sit beside the server, not in the data flow: they read configuration,
   * make Kafka clients through {@code kafka.KafkaClients} (one place for security settings), and
   * check letters with the pipeline's decoder. Nothing of the server depends on them but the root
   * package's command line.
   */
  @ArchTest
  static final ArchRule dlqToolsUseConfigKafkaAndThePipelinesDecoder =
      only("dlqtools", "config", "kafka", "pipeline", "dlq", "schema", "record");

  @ArchTest
  static final ArchRule onlyTheCommandLineUsesTheDlqTools =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.loghaul", "io.loghaul.dlqtools..")
          .should()
          .dependOnClassesThat(resideInAPackage("io.loghaul.dlqtools.."));

  /**
   * Classes of {@code io.loghaul.<pkg>} depend, among loghaul's classes, only on their own package,
   * {@code bytes} and {@code allowed}.
   */
  private static ArchRule only(String pkg, String... allowed) {
    String[] packages =
        Arrays.stream(allowed).map(p -> "io.loghaul." + p + "..").toArray(String[]::new);
    return classes()
        .that()
        .resideInAPackage("io.loghaul." + pkg + "..")
        .should()
        .onlyDependOnClassesThat(
            not(resideInAPackage("io.loghaul.."))
                .or(resideInAPackage("io.loghaul." + pkg + ".."))
                .or(resideInAPackage("io.loghaul.bytes.."))
                .or(resideInAnyPackage(packages)));
  }
}
