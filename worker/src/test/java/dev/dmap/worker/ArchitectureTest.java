package dev.dmap.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The worker's layering: the core is framework-free (Spring only in {@code app}, and in
 * {@code kafka} only for the dead-letter header names), Kafka stays in {@code kafka} and
 * {@code batches}, and no packages depend on each other in a cycle.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.worker");

    @Test
    void shouldKeepSpringInTheAppLayer() {
        noClasses().that().resideOutsideOfPackage("..worker.app..")
                .and().doNotHaveSimpleName("DeadLetterHeaders")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void shouldLetDeadLetterHeadersUseOnlySpringKafkasHeaderNames() {
        noClasses().that().haveSimpleName("DeadLetterHeaders")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "are in Spring but are not KafkaHeaders",
                        c -> c.getPackageName().startsWith("org.springframework")
                                && !c.getFullName().equals("org.springframework.kafka.support.KafkaHeaders")))
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
        slices().matching("dev.dmap.worker.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
