package dev.aigateway.db;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where the gateway's PostgreSQL is: an external one at {@code jdbcUrl}, or an embedded one whose
 * data lives under {@code dataDir/postgres} when {@code jdbcUrl} is null.
 */
public record DatabaseSettings(
    @Nullable String jdbcUrl,
    @Nullable String user,
    @Nullable String password,
    Path dataDir,
    int maxPoolSize) {

  public DatabaseSettings {
    requireNonNull(dataDir, "dataDir");
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize: " + maxPoolSize + " (expected: >= 1)");
    }
  }

  /** The user and password for the JDBC driver (those that are set). */
  public java.util.Properties credentials() {
    java.util.Properties p = new java.util.Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /** True when no database URL was given, so an embedded PostgreSQL must be started. */
  public boolean embedded() {
    return jdbcUrl == null || jdbcUrl.isBlank();
  }
}
