package dev.aigateway.launcher;

import dev.aigateway.db.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gateway migrate}: apply database migrations and exit. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Apply the database migrations and exit. `run` and `control-plane` also migrate at start;"
          + " `ext-proc` never does (it waits for a schema this new): migrate before rolling out"
          + " new ext_proc replicas."
    })
final class MigrateCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Override
  public Integer call() {
    try (Database db = Database.start(database.settings())) {
      System.out.println(
          "database is migrated: " + dev.aigateway.db.Redaction.jdbcUrl(db.jdbcUrl()));
    }
    return 0;
  }
}
