package dev.aigateway.dataplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.aigateway.dataplane.processor.boundary.ReachesIntoTheDatabase;
import org.junit.jupiter.api.Test;

/**
 * The request path sees its state only through the ports (config feed, counter store, ledger sink):
 * nothing in it may reach the database code, jOOQ, JDBC or the pool. Only {@code store.postgres}
 * (and the wiring in the root package) may.
 */
class StoreBoundaryTest {

  /** Packages a request runs through; none of them may know where state is stored. */
  static final String[] REQUEST_PATH = {
    "dev.aigateway.dataplane.processor..",
    "dev.aigateway.dataplane.translate..",
    "dev.aigateway.dataplane.auth..",
    "dev.aigateway.dataplane.quota..",
    "dev.aigateway.dataplane.admission..",
    "dev.aigateway.dataplane.routing..",
    "dev.aigateway.dataplane.credential..",
    "dev.aigateway.dataplane.usage..",
    "dev.aigateway.dataplane.config..",
    "dev.aigateway.dataplane.error..",
    "dev.aigateway.dataplane.telemetry..",
    "dev.aigateway.dataplane.cooldown..",
  };

  static final String[] DATABASE = {
    "dev.aigateway.db..",
    "org.jooq..",
    "java.sql..",
    "javax.sql..",
    "org.postgresql..",
    "org.flywaydb..",
    "com.zaxxer.hikari..",
  };

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.aigateway.dataplane");

  static final ArchRule REQUEST_PATH_HAS_NO_DATABASE =
      noClasses()
          .that()
          .resideInAnyPackage(REQUEST_PATH)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(DATABASE)
          .because("the request path reads its state through the ports in config, quota, ledger");

  /** The ledger hands the sink the database's row type and nothing else of it. */
  static final ArchRule LEDGER_USES_ONLY_THE_ENTRY_TYPE =
      noClasses()
          .that()
          .resideInAPackage("dev.aigateway.dataplane.ledger..")
          .should()
          .dependOnClassesThat(
              DescribedPredicate.and(
                  JavaClass.Predicates.resideInAnyPackage(DATABASE),
                  DescribedPredicate.not(
                      JavaClass.Predicates.equivalentTo(dev.aigateway.db.usage.LedgerEntry.class))))
          .because("LedgerRecorder writes through LedgerSink");

  @Test
  void requestPathPackagesImportNothingFromTheDatabase() {
    assertThat(MAIN.containPackage("dev.aigateway.dataplane.quota")).isTrue();
    REQUEST_PATH_HAS_NO_DATABASE.check(MAIN);
  }

  @Test
  void theLedgerReachesTheDatabaseOnlyThroughItsSink() {
    LEDGER_USES_ONLY_THE_ENTRY_TYPE.check(MAIN);
  }

  @Test
  void aRequestPathClassThatImportsJdbcBreaksTheRule() {
    JavaClasses offending = new ClassFileImporter().importClasses(ReachesIntoTheDatabase.class);
    assertThatThrownBy(() -> REQUEST_PATH_HAS_NO_DATABASE.check(offending))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ReachesIntoTheDatabase")
        .hasMessageContaining("java.sql.Connection");
  }
}
