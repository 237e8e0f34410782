package io.trainyard.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import rules of the house: the domain never speaks HTTP, nothing reaches into the composition
 * root, and the job lifecycle has one writer. Each rule fails on the first class that breaks it.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.trainyard");

  @Test
  void onlyTheWebLayerAndTheCompositionRootImportHttp() {
    ArchRule rule = noClasses().that().resideOutsideOfPackages("io.trainyard.http..", "io.trainyard.app..")
        .should().dependOnClassesThat().resideInAPackage("io.trainyard.http..");
    rule.check(MAIN);
  }

  @Test
  void nothingImportsTheCompositionRoot() {
    noClasses().that().resideOutsideOfPackage("io.trainyard.app..")
        .should().dependOnClassesThat().resideInAPackage("io.trainyard.app..").check(MAIN);
  }

  @Test
  void theCliIsOnlyARestClient() {
    var outsideTheCli = JavaClass.Predicates.resideOutsideOfPackage("io.trainyard.cli..");
    noClasses().that().resideInAPackage("io.trainyard.cli..")
        .should().dependOnClassesThat(outsideTheCli.and(JavaClass.Predicates
            .resideOutsideOfPackages("java..", "javax..", "picocli..", "io.vertx.core.json..")))
        .because("the CLI talks to a server over the REST contract like any client; the jar only carries it")
        .check(MAIN);
  }

  @Test
  void jobsDoNotImportTheDemoPrograms() {
    noClasses().that().resideInAPackage("io.trainyard.jobs..")
        .should().dependOnClassesThat().resideInAPackage("io.trainyard.demo..").check(MAIN);
  }

  @Test
  void theJobCoreDependsOnNoVerticle() {
    noClasses().that().resideInAPackage("io.trainyard.jobs..")
        .should().dependOnClassesThat().resideInAnyPackage("io.trainyard.scheduler..", "io.trainyard.supervisor..",
            "io.trainyard.providers..", "io.trainyard.logs..")
        .because("the verticles build on the job core; it reaches them only through JobControl")
        .check(MAIN);
  }

  @Test
  void theDomainUsesNoWebTypes() {
    noClasses().that().resideInAnyPackage("io.trainyard.jobs..", "io.trainyard.auth..", "io.trainyard.providers..",
            "io.trainyard.scheduler..", "io.trainyard.supervisor..", "io.trainyard.logs..", "io.trainyard.domain..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.vertx.core.http.HttpServerRequest")
        .because("HTTP types belong to http/ (providers may use the web client to call out)")
        .allowEmptyShould(true)
        .check(MAIN.that(com.tngtech.archunit.base.DescribedPredicate.describe("not an HTTP client",
            c -> !c.getSimpleName().equals("ReplicateProvider"))));
  }

  @Test
  void noTestDoubleShipsInTheProductionSources() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<Path> fakes = files.filter(f -> f.toString().contains("/fake/")).toList();
      assertEquals(List.of(), fakes);
    }
  }

  /**
   * Only the lifecycle owner's files write {@code jobs.status}: an INSERT INTO jobs, or an UPDATE of
   * jobs that sets status, anywhere else in the production sources (SQL included) fails this test.
   */
  @Test
  void onlyTheLedgerWritesJobStatus() throws IOException {
    Pattern insert = Pattern.compile("INSERT\\s+INTO\\s+jobs\\s*\\(", Pattern.CASE_INSENSITIVE);
    List<String> owners = List.of("JobLedger.java", "LedgerSql.java");
    List<String> writers;
    try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/main/java")), Files.walk(Path.of("src/main/resources")))) {
      writers = files.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".sql"))
          .filter(f -> !owners.contains(f.getFileName().toString()))
          .filter(f -> {
            String text = read(f);
            return insert.matcher(text).find() || updatesStatus(text);
          })
          .map(Path::toString).sorted().toList();
    }
    // Applied migrations never change; V002's sweep-parent trigger wrote status, and V004 drops it.
    assertEquals(List.of("src/main/resources/db/migration/V002__management.sql"), writers,
        "files outside the ledger that write jobs.status");
    assertTrue(read(Path.of("src/main/resources/db/migration/V004__ledger.sql")).contains("DROP TRIGGER jobs_sweep_parent"));
  }

  /** An UPDATE of jobs that sets status (as opposed to one that only reads status in its WHERE). */
  private static boolean updatesStatus(String text) {
    var m = Pattern.compile("UPDATE\\s+jobs\\b(.*?)(WHERE|RETURNING|\"\"\"|;)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
        .matcher(text);
    while (m.find()) {
      if (Pattern.compile("[\\s,]status\\s*=", Pattern.CASE_INSENSITIVE).matcher(" " + m.group(1)).find()) {
        return true;
      }
    }
    return false;
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
