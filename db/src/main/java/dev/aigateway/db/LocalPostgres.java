package dev.aigateway.db;

import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * A PostgreSQL server this process starts itself, for one machine ({@code gateway run} without a
 * database URL). Its implementation and the server binaries live in the {@code db-embedded} module,
 * found with {@link java.util.ServiceLoader}, so {@code db} (which the ext_proc uses) carries none.
 */
public interface LocalPostgres extends AutoCloseable {

  /** Starts servers; {@code db-embedded} registers one in {@code META-INF/services}. */
  interface Starter {
    /** Starts (or restarts) the server whose data lives in {@code dataDirectory}. */
    LocalPostgres start(Path dataDirectory);
  }

  /** A JDBC URL of {@code database} on this server. */
  String jdbcUrl(String database);

  /** The superuser's password. */
  String password();

  /** Connections as the superuser to the {@code postgres} database. */
  DataSource adminDataSource();

  /** Stops the server. */
  @Override
  void close();
}
