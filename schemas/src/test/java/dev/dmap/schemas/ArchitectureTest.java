package dev.dmap.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.dmap.schemas.testing.PackageSlices;
import org.junit.jupiter.api.Test;

/** The contracts depend on nothing of ours and on no framework: every other module can use them. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.schemas");

    @Test
    void shouldDependOnNoOtherModuleOfOurs() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.client..", "dev.dmap.cli..", "dev.dmap.gateway..",
                "dev.dmap.worker..", "dev.dmap.devkit..", "dev.dmap.local..", "dev.dmap.bench..").check(CLASSES);
    }

    @Test
    void shouldUseNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "picocli..", "jakarta..")
                .check(CLASSES);
    }

    @Test
    void shouldHaveNoPackageCyclesTheRootIncluded() {
        slices().assignedFrom(PackageSlices.under("dev.dmap.schemas")).should().beFreeOfCycles().check(CLASSES);
    }
}
