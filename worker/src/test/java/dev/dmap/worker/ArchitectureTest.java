package dev.dmap.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core stays framework-free: only the app layer (and DLT header names in kafka) may touch Spring. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.worker");

    @Test
    void shouldKeepSpringOutOfTheCore() {
        noClasses().that().resideInAnyPackage("..worker.backend..", "..worker.pipeline..", "..worker.scheduling..",
                        "..worker.config..", "..worker.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void shouldKeepTheKafkaLoopFreeOfSpringButItsHeaderNames() {
        noClasses().that().resideInAPackage("..worker.kafka..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .andShould().dependOnClassesThat().doNotHaveFullyQualifiedName("org.springframework.kafka.support.KafkaHeaders")
                .check(CLASSES.that(com.tngtech.archunit.base.DescribedPredicate.describe("not DeadLetterHeaders",
                        c -> !c.getSimpleName().equals("DeadLetterHeaders"))));
    }

    @Test
    void shouldNotLetTheCoreDependOnTheAppLayer() {
        noClasses().that().resideOutsideOfPackage("..worker.app..")
                .should().dependOnClassesThat().resideInAPackage("..worker.app..")
                .check(CLASSES);
    }
}
