package dev.dmap.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The client library knows nothing of its front ends: no picocli, no Spring, no terminal
 * ({@code System.out}, {@code System.err}), no exit codes, and none of the CLI's or the gateway's classes.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dmap.client");

    @Test
    void shouldUseNoFrontEndFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.springframework..", "me.tongfei..",
                "jakarta.servlet..").check(CLASSES);
    }

    @Test
    void shouldNotDependOnAFrontEnd() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dmap.cli..", "dev.dmap.gateway..", "dev.dmap.local..")
                .check(CLASSES);
    }

    @Test
    void shouldNotWriteToTheTerminal() {
        noClasses().should().accessField(System.class, "out").orShould().accessField(System.class, "err").check(CLASSES);
    }

    @Test
    void shouldNotSpeakInExitCodes() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("dev.dmap.schemas.ExitCodes").check(CLASSES);
    }
}
