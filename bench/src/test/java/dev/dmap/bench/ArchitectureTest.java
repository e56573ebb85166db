package dev.dmap.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks drive the worker as a library and the devkit's emulator and broker, and the gateway only
 * through its start-up ({@code app.GatewayApplication}, for the online lane's calls over HTTP); never local.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.bench");

    @Test
    void shouldNotDependOnTheGatewaysInsidesOrTheLocalCommands() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.gateway.api..", "dev.dmap.gateway.batches..",
                "dev.dmap.gateway.files..", "dev.dmap.gateway.online..", "dev.dmap.local..").check(CLASSES);
    }
}
