package dev.aigateway.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL ({@code postgresql} package, {@code /usr/lib/postgresql/15/bin}, or {@code
 * -Dgateway.postgres.bin}) as a server of its own that a test stops and starts again on the same
 * data directory and port: what the gateway sees of an external database going down. Its binaries
 * refuse to run as root, so as root they run as the {@code postgres} OS user ({@code runuser}).
 * (The zonky embedded server cannot be used beside the packaged jar: both carry its binaries.)
 */
final class ExternalPostgres implements AutoCloseable {
  private static final Path BIN =
      Path.of(System.getProperty("gateway.postgres.bin", "/usr/lib/postgresql/15/bin"));

  private final Path root;
  private final Path data;
  private final int port;
  private boolean running;

  private ExternalPostgres(Path root, int port) {
    this.root = root;
    this.data = root.resolve("data");
    this.port = port;
  }

  /** Creates a cluster in a new directory under /tmp and starts it. */
  static ExternalPostgres start() throws Exception {
    if (!Files.isExecutable(BIN.resolve("pg_ctl"))) {
      throw new IllegalStateException(
          BIN + "/pg_ctl not found: install Debian's postgresql package (.ci/run does)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path root = Files.createTempDirectory(Path.of("/tmp"), "gateway-outage-pg-");
    ExternalPostgres pg = new ExternalPostgres(root, port);
    if (isRoot()) {
      pg.run(List.of("chown", "postgres:postgres", root.toString()), false);
    }
    pg.run(
        List.of(
            BIN.resolve("initdb").toString(),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-sync",
            "-D",
            pg.data.toString()),
        true);
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
    if (!running) {
      run(
          List.of(
              BIN.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-l",
              root.resolve("server.log").toString(),
              "-w",
              "-o",
              "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off",
              "start"),
          true);
      running = true;
    }
  }

  /** Stops the server the way an operator would in a hurry: fast shutdown, connections closed. */
  synchronized void down() throws Exception {
    if (running) {
      run(
          List.of(
              BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-m", "fast", "stop"),
          true);
      running = false;
    }
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user());
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  private void run(List<String> command, boolean asPostgres) throws Exception {
    List<String> full = new ArrayList<>();
    if (asPostgres && isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path log = root.resolve("commands.log");
    Process process =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", full) + " failed:\n" + Files.readString(log));
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Override
  public void close() throws Exception {
    try {
      down();
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(ExternalPostgres::deleteQuietly);
      }
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      // a leftover file under /tmp is harmless
    }
  }
}
