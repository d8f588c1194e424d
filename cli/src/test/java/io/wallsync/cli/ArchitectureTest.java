package io.wallsync.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
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
        // The simulator runs the daemon's wiring (its wallsync policy is serve in virtual time), but
        // never an adapter directly: no real clock, file or socket in a simulation.
        noClasses()
                .that()
                .resideInAPackage("io.wallsync.sim..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.wallsync.client..", "io.wallsync.adapters..")
                .check(classes);
    }

    @Test
    void noTwoMainClassesShareASimpleName() {
        // A launcher (jar manifest, packaging, scripts) picks a main class by name; two of one name confuse it.
        java.util.Map<String, java.util.List<String>> mains = new java.util.TreeMap<>();
        for (JavaClass c : classes) {
            boolean hasMain = c.getMethods().stream()
                    .anyMatch(m -> m.getName().equals("main")
                            && m.getModifiers().containsAll(java.util.Set.of(JavaModifier.PUBLIC, JavaModifier.STATIC))
                            && m.getRawReturnType().getName().equals("void")
                            && m.getRawParameterTypes().size() == 1
                            && m.getRawParameterTypes().getFirst().getName().equals("[Ljava.lang.String;"));
            if (hasMain) {
                mains.computeIfAbsent(c.getSimpleName(), k -> new java.util.ArrayList<>())
                        .add(c.getName());
            }
        }
        assertThat(mains).as("main classes by simple name").isNotEmpty();
        assertThat(mains.values())
                .allSatisfy(names -> assertThat(names)
                        .as("main classes with one simple name")
                        .hasSize(1));
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
