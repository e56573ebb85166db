package dev.dmap.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.dmap.schemas.testing.PackageSlices;
import org.junit.jupiter.api.Test;

/**
 * The gateway's rooms: {@code api} (controllers, OpenAI's error shapes) is the only one with Spring's
 * web layer, {@code files}, {@code batches} and {@code online} hold the work without Spring, {@code app} wires them;
 * no package, the root included, is in a cycle; and no class reaches the CLI.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.gateway");

    @Test
    void shouldKeepSpringsWebLayerInTheApi() {
        noClasses().that().resideOutsideOfPackage("..gateway.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.web..", "org.springframework.http..",
                        "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void shouldKeepSpringOutOfTheRooms() {
        noClasses().that().resideInAnyPackage("..gateway.files..", "..gateway.batches..", "..gateway.online..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void shouldNotLetTheRoomsDependOnTheApiOrTheWiring() {
        noClasses().that().resideInAnyPackage("..gateway.files..", "..gateway.batches..", "..gateway.online..")
                .should().dependOnClassesThat().resideInAnyPackage("..gateway.api..", "..gateway.app..")
                .check(CLASSES);
    }

    @Test
    void shouldNotDependOnTheCli() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.cli..", "picocli..").check(CLASSES);
    }

    @Test
    void shouldHaveNoPackageCyclesTheRootIncluded() {
        slices().assignedFrom(PackageSlices.under("dev.dmap.gateway")).should().beFreeOfCycles().check(CLASSES);
    }
}
