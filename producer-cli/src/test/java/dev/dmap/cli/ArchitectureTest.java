package dev.dmap.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The CLI is a front end over the client library: it never reaches into another front end or into Spring. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.cli");

    @Test
    void shouldNotDependOnAnotherFrontEnd() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.gateway..", "dev.dmap.local..", "dev.dmap.worker..")
                .check(CLASSES);
    }

    @Test
    void shouldNotUseSpring() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..").check(CLASSES);
    }
}
