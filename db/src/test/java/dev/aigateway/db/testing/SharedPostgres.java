package dev.aigateway.db.testing;

import dev.aigateway.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL per test JVM with a migrated template database; each test class gets a
 * fresh database cloned from the template, which takes milliseconds instead of a full migration.
 */
public final class SharedPostgres {
  static final String TEMPLATE = "gateway_template";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile SharedPostgres instance;

  private final EmbeddedPostgres postgres;

  private SharedPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** The server, started and its template migrated on first use. */
  public static SharedPostgres get() {
    SharedPostgres current = instance;
    if (current != null) {
      return current;
    }
    synchronized (SharedPostgres.class) {
      if (instance == null) {
        instance = start();
      }
      return instance;
    }
  }

  private static SharedPostgres start() {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .start();
      SharedPostgres shared = new SharedPostgres(postgres);
      shared.execute("create database " + TEMPLATE);
      Migrations.migrate(postgres.getDatabase("postgres", TEMPLATE));
      // No connection may stay open on a template while it is cloned.
      shared.execute(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
              + TEMPLATE
              + "' and pid <> pg_backend_pid()");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      postgres.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting
                    }
                  }));
      return shared;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a new, migrated, empty database and returns its name. */
  public String createDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    execute("create database " + name + " template " + TEMPLATE);
    return name;
  }

  /** Drops a database made by {@link #createDatabase}, disconnecting anyone still on it. */
  public void dropDatabase(String name) {
    execute("drop database if exists " + name + " with (force)");
  }

  /** The JDBC URL of {@code database} (user {@code postgres}, no password). */
  public String jdbcUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }

  /** An unpooled data source for {@code database}. */
  public DataSource dataSource(String database) {
    return postgres.getDatabase("postgres", database);
  }

  /** The server's port on 127.0.0.1. */
  public int port() {
    return postgres.getPort();
  }

  private void execute(String sql) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
