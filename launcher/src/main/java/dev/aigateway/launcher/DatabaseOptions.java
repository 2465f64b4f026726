package dev.aigateway.launcher;

import dev.aigateway.db.DatabaseSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that uses the database or the data directory. */
final class DatabaseOptions {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:GATEWAY_DATA_DIR:-${sys:user.home}/.ai-gateway}",
      description =
          "Data directory: embedded PostgreSQL data, generated secret key, usage spool"
              + " (GATEWAY_DATA_DIR, default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--database-url",
      paramLabel = "JDBC_URL",
      defaultValue = "${env:GATEWAY_DATABASE_URL}",
      description =
          "JDBC URL of an external PostgreSQL (GATEWAY_DATABASE_URL). Unset: an embedded"
              + " PostgreSQL under the data directory.")
  String databaseUrl;

  @Option(
      names = "--database-user",
      paramLabel = "USER",
      defaultValue = "${env:GATEWAY_DATABASE_USER}",
      description = "Database user, if not in the URL (GATEWAY_DATABASE_USER).")
  String databaseUser;

  /** Only from the environment: a password on the command line would show in process lists. */
  String databasePassword = System.getenv("GATEWAY_DATABASE_PASSWORD");

  @Option(
      names = "--database-pool-size",
      paramLabel = "N",
      defaultValue = "${env:GATEWAY_DATABASE_POOL_SIZE:-16}",
      description = "Maximum database connections (GATEWAY_DATABASE_POOL_SIZE, default: 16).")
  int poolSize;

  DatabaseSettings settings() {
    Settings.require(
        poolSize >= 1, "--database-pool-size / GATEWAY_DATABASE_POOL_SIZE must be >= 1");
    if (databaseUrl != null && !databaseUrl.isBlank()) {
      Settings.require(
          databaseUrl.startsWith("jdbc:postgresql:"),
          "GATEWAY_DATABASE_URL must be a PostgreSQL JDBC URL such as"
              + " jdbc:postgresql://host:5432/gateway (got something else)");
    }
    return new DatabaseSettings(
        databaseUrl, databaseUser, databasePassword, Settings.dataDirectory(dataDir), poolSize);
  }
}
