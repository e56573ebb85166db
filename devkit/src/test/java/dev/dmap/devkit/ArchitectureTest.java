package dev.dmap.devkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.dmap.schemas.testing.PackageSlices;
import org.junit.jupiter.api.Test;

/**
 * The development tools stand apart from what they exercise: the emulator, the broker and the engine
 * launcher know the contracts only, never the worker, the client or a front end, so a test that uses
 * them tests dmap against something that did not borrow dmap's own code; and no Spring.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.devkit");

    @Test
    void shouldKnowTheContractsOnly() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.worker..", "dev.dmap.client..", "dev.dmap.cli..",
                "dev.dmap.gateway..", "dev.dmap.local..", "dev.dmap.bench..").check(CLASSES);
    }

    @Test
    void shouldUseNoSpring() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..").check(CLASSES);
    }

    @Test
    void shouldHaveNoPackageCyclesTheRootIncluded() {
        slices().assignedFrom(PackageSlices.under("dev.dmap.devkit")).should().beFreeOfCycles().check(CLASSES);
    }
}
