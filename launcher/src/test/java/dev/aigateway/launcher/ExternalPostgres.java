package dev.aigateway.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * A real PostgreSQL server, separate from the gateway, on a fixed data directory and port, that a
 * test stops and starts again: what the gateway sees of an external database going down.
 */
final class ExternalPostgres implements AutoCloseable {
  private final Path data;
  private final int port;
  private @Nullable EmbeddedPostgres server;

  private ExternalPostgres(Path data, int port) {
    this.data = data;
    this.port = port;
  }

  static ExternalPostgres start(Path data) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ExternalPostgres pg = new ExternalPostgres(Files.createDirectories(data), port);
    pg.up();
    return pg;
  }

  /** The gateway's {@code GATEWAY_DATABASE_URL}. */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  String user() {
    return "postgres";
  }

  synchronized void up() throws Exception {
    if (server == null) {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(data)
              .setCleanDataDirectory(false)
              .setPort(port)
              .start();
    }
  }

  /** Stops the server (fast shutdown: open connections are closed). */
  synchronized void down() throws Exception {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user());
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  @Override
  public void close() throws Exception {
    down();
  }
}
