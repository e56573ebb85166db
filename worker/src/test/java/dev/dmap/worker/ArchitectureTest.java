package dev.dmap.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.dmap.schemas.testing.PackageSlices;
import org.junit.jupiter.api.Test;

/**
 * The worker's layering: the core is framework-free (Spring only in {@code app}); the pure core ({@code backend},
 * {@code pipeline}, {@code scheduling}, {@code config}, {@code metrics}) never touches Kafka, which
 * the Kafka-facing packages ({@code kafka}, {@code batches}, {@code loop}, {@code delivery},
 * {@code fleet}) use; the core never depends on {@code app}; and no packages, the root
 * ({@code Worker}, {@code WorkerStartup}) included, depend on each other in a cycle.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.worker");

    @Test
    void shouldKeepSpringInTheAppLayer() {
        noClasses().that().resideOutsideOfPackage("..worker.app..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void shouldKeepKafkaOutOfTheCore() {
        noClasses().that().resideInAnyPackage("..worker.backend..", "..worker.pipeline..", "..worker.scheduling..",
                        "..worker.config..", "..worker.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .check(CLASSES);
    }

    @Test
    void shouldNotLetTheCoreDependOnTheAppLayer() {
        noClasses().that().resideOutsideOfPackage("..worker.app..")
                .should().dependOnClassesThat().resideInAPackage("..worker.app..")
                .check(CLASSES);
    }

    @Test
    void shouldHaveNoPackageCycles() {
        slices().assignedFrom(PackageSlices.under("dev.dmap.worker")).should().beFreeOfCycles().check(CLASSES);
    }
}
