package dev.aigateway.db.embedded;

import dev.aigateway.db.Database;
import dev.aigateway.db.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process, with its data in a directory that survives restarts.
 *
 * <p>A JVM killed with {@code kill -9} leaves its postmaster running (it is a separate process) and
 * a {@code postmaster.pid} behind; {@link #start} stops such a leftover server before starting, so
 * a restart never needs manual cleanup.
 */
public final class EmbeddedPostgresServer implements LocalPostgres {

  /** What {@link Database#start} finds with {@link java.util.ServiceLoader}. */
  public static final class Starter implements LocalPostgres.Starter {
    @Override
    public LocalPostgres start(Path dataDirectory) {
      return EmbeddedPostgresServer.start(dataDirectory);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(20);

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /**
   * Starts a server on a free loopback port whose data lives in {@code dataDirectory}; every
   * connection needs the password kept in the directory ({@link EmbeddedPostgresAuth}).
   */
  public static EmbeddedPostgresServer start(Path dataDirectory) {
    try {
      Files.createDirectories(dataDirectory);
      stopLeftoverServer(dataDirectory);
      String password = EmbeddedPostgresAuth.passwordFor(dataDirectory);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", "on")
              // A committed usage record or config change survives a crash of the server.
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("password_encryption", "scram-sha-256")
              // Used by the library's own readiness check and data sources, too.
              .setConnectConfig("password", password)
              .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
              .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        EmbeddedPostgresAuth.harden(dataDirectory, postgres.getPostgresDatabase(), password);
      } catch (IOException | SQLException | RuntimeException e) {
        postgres.close();
        throw new IOException("could not set up password authentication: " + e.getMessage(), e);
      }
      return new EmbeddedPostgresServer(postgres, password);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
    }
  }

  /** The TCP port the server listens on (loopback only). */
  public int port() {
    return postgres.getPort();
  }

  /** The {@code postgres} role's password; never logged or printed. */
  @Override
  public String password() {
    return password;
  }

  /** A JDBC URL for {@code database} as the superuser {@code postgres} (without the password). */
  @Override
  public String jdbcUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }

  /** A plain (unpooled) data source for the {@code postgres} database. */
  @Override
  public DataSource adminDataSource() {
    return postgres.getPostgresDatabase();
  }

  /** Stops the server; it finishes with a fast shutdown so no process is left behind. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("stopping the embedded PostgreSQL failed: {}", e.getMessage());
    }
  }

  /**
   * If {@code postmaster.pid} names a live postgres process (left by a JVM that died without
   * stopping it), stop it with a fast shutdown and wait for it to go away.
   */
  static void stopLeftoverServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      Files.deleteIfExists(pidFile);
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      Files.deleteIfExists(pidFile);
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty() || !isPostgres(process.get())) {
      // PostgreSQL itself treats a pid file of a dead process as stale; removing it is harmless.
      Files.deleteIfExists(pidFile);
      return;
    }
    log.info("stopping a PostgreSQL (pid {}) left running by a previous run", pid);
    signal(pid, "INT"); // fast shutdown: disconnect clients, checkpoint, exit
    if (!waitForExit(process.get(), LEFTOVER_STOP_TIMEOUT)) {
      log.warn("PostgreSQL pid {} did not stop in {}; killing it", pid, LEFTOVER_STOP_TIMEOUT);
      process.get().destroyForcibly();
      waitForExit(process.get(), Duration.ofSeconds(10));
    }
    Files.deleteIfExists(pidFile);
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process
        .info()
        .command()
        .map(command -> Path.of(command).getFileName().toString().startsWith("postgres"))
        .orElse(true);
  }

  private static void signal(long pid, String signal) throws IOException {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling pid " + pid, e);
    }
  }

  private static boolean waitForExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return !process.isAlive();
    }
  }
}
