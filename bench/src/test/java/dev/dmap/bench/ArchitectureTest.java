package dev.dmap.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The benchmarks drive the worker as a library and the devkit's emulator and broker; they need neither the gateway nor local. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.bench");

    @Test
    void shouldNotDependOnTheGatewayOrTheLocalCommands() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.gateway..", "dev.dmap.local..").check(CLASSES);
    }
}
