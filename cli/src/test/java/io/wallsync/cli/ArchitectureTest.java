package io.wallsync.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of DESIGN.md section 2, as executable rules: faces -> daemon -> adapters -> core, never the
 * reverse (the daemon sits between adapters and the faces), and a core that neither does I/O nor reads the clock itself.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.wallsync");
    }

    @Test
    void coreDependsOnNothingOutsideTheCore() {
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.wallsync.adapters..",
                        "io.wallsync.daemon..",
                        "io.wallsync.client..",
                        "io.wallsync.sim..",
                        "io.wallsync.cli..")
                .check(classes);
    }

    @Test
    void adaptersDependOnlyOnTheCore() {
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.adapters..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.wallsync.daemon..", "io.wallsync.client..", "io.wallsync.sim..", "io.wallsync.cli..")
                .check(classes);
    }

    @Test
    void daemonDependsOnlyOnAdaptersAndTheCore() {
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.daemon..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.wallsync.client..", "io.wallsync.sim..", "io.wallsync.cli..")
                .check(classes);
    }

    @Test
    void libraryAndSimulatorFacesDoNotReachIntoOtherFaces() {
        noClasses()
                .that()
                .resideInAnyPackage("io.wallsync.client..", "io.wallsync.sim..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.wallsync.cli..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.wallsync.sim..", "io.wallsync.daemon..", "io.wallsync.adapters..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.sim..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.wallsync.client..", "io.wallsync.adapters..")
                .check(classes);
    }

    @Test
    void coreDoesNoInputOutputAndStartsNoThreads() {
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.nio.file..", "java.net..", "java.nio.channels..", "java.util.concurrent..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Thread")
                .orShould()
                .dependOnClassesThat()
                .haveNameMatching("java\\.io\\.(File|Print|Buffered|Input|Output|Reader|Writer).*")
                .check(classes);
    }

    @Test
    void coreNeverReadsTheClockItself() {
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.core..")
                .should()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(java.time.Instant.class, "now")
                .orShould()
                .callMethod(java.time.Clock.class, "systemUTC")
                .orShould()
                .callMethod(java.time.Clock.class, "systemDefaultZone")
                .check(classes);
    }
}
