package dev.aigateway.db;

import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the Flyway migrations in {@code db/migration} to a database. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * The versions this build knows that the database has not applied, oldest first; reads only (for
   * processes that must never migrate, such as the ext_proc).
   *
   * @throws DatabaseUnavailableException when the database cannot be read
   */
  public static List<String> pending(DataSource dataSource) {
    try {
      return Arrays.stream(
              Flyway.configure()
                  .dataSource(dataSource)
                  .locations("classpath:db/migration")
                  .failOnMissingLocations(true)
                  .load()
                  .info()
                  .pending())
          .map(m -> m.getVersion() == null ? m.getDescription() : m.getVersion().getVersion())
          .toList();
    } catch (FlywayException e) {
      throw new DatabaseUnavailableException(
          "cannot read the database's schema version: " + Database.rootMessage(e), e);
    }
  }

  /** Migrates to the latest version; safe to call from several replicas at once. */
  public static void migrate(DataSource dataSource) {
    try {
      MigrateResult result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations("classpath:db/migration")
              .failOnMissingLocations(true)
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        log.info(
            "database migrated to version {} ({} migrations applied)",
            result.targetSchemaVersion,
            result.migrationsExecuted);
      }
    } catch (FlywayException e) {
      throw new DatabaseUnavailableException(
          "cannot migrate the database: " + Database.rootMessage(e), e);
    }
  }
}
