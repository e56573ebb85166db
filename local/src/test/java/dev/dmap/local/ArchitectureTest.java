package dev.dmap.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The one-machine commands compose the modules through their public surfaces and leave the benchmarks to their module. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.local");

    @Test
    void shouldNotDependOnTheBenchmarks() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.bench..").check(CLASSES);
    }

    @Test
    void shouldStartTheGatewayThroughItsApplicationOnly() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.gateway.api..", "dev.dmap.gateway.files..")
                .check(CLASSES);
    }
}
