package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad configuration ends with one line naming the setting and a non-zero exit code. */
class StartupErrorsTest {

  @TempDir Path dir;

  private record Outcome(int exitCode, String stderr) {}

  private static Outcome run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Outcome(code, err.toString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aDataDirectoryThatIsAFileIsRejectedByName() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    Outcome outcome = run("migrate", "--data-dir", file.toString());

    assertThat(outcome.exitCode()).isEqualTo(StartupErrors.EXIT_CONFIG);
    assertThat(outcome.stderr().lines()).hasSize(1);
    assertThat(outcome.stderr())
        .contains("data directory " + file + " is not a directory")
        .contains("GATEWAY_DATA_DIR");
  }

  @Test
  void anExtProcWithoutADatabaseUrlIsRefusedInsteadOfStartingAnEmbeddedOne() {
    Outcome outcome = run("ext-proc", "--data-dir", dir.toString());

    assertThat(outcome.exitCode()).isEqualTo(StartupErrors.EXIT_CONFIG);
    assertThat(outcome.stderr().lines()).hasSize(1);
    assertThat(outcome.stderr()).contains("ext-proc needs GATEWAY_DATABASE_URL");
    assertThat(dir.resolve("postgres")).doesNotExist();
  }

  @Test
  void anUnreachableDatabaseIsExplainedInOneLine() throws Exception {
    int closed = freePort();

    Outcome outcome =
        run(
            "migrate",
            "--data-dir",
            dir.toString(),
            "--database-url",
            "jdbc:postgresql://127.0.0.1:" + closed + "/gateway?password=hunter2");

    assertThat(outcome.exitCode()).isEqualTo(StartupErrors.EXIT_UNAVAILABLE);
    assertThat(outcome.stderr().lines()).hasSize(1);
    assertThat(outcome.stderr())
        .startsWith("gateway: cannot connect to the database at")
        .contains("GATEWAY_DATABASE_URL")
        .doesNotContain("hunter2");
  }

  @Test
  void aNonPostgresDatabaseUrlIsRejected() {
    Outcome outcome =
        run("migrate", "--data-dir", dir.toString(), "--database-url", "jdbc:mysql://db/x");

    assertThat(outcome.exitCode()).isEqualTo(StartupErrors.EXIT_CONFIG);
    assertThat(outcome.stderr()).contains("GATEWAY_DATABASE_URL must be a PostgreSQL JDBC URL");
  }

  @Test
  void anOutOfRangePortIsRejectedByName() {
    Outcome outcome = run("run", "--data-dir", dir.toString(), "--admin-port", "70000");

    assertThat(outcome.exitCode()).isEqualTo(StartupErrors.EXIT_CONFIG);
    assertThat(outcome.stderr()).contains("--admin-port / GATEWAY_ADMIN_PORT").contains("70000");
  }

  @Test
  void aPortInUseIsNamedWithTheSettingThatMovesIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Outcome outcome =
          run(
              "run",
              "--data-dir",
              dir.toString(),
              "--admin-port",
              Integer.toString(taken.getLocalPort()),
              "--xds-port",
              Integer.toString(freePort()),
              "--ext-proc-port",
              Integer.toString(freePort()));

      assertThat(outcome.exitCode()).isEqualTo(StartupErrors.EXIT_CONFIG);
      assertThat(outcome.stderr().lines()).hasSize(1);
      assertThat(outcome.stderr())
          .contains("127.0.0.1:" + taken.getLocalPort() + " is already in use")
          .contains("--admin-port / GATEWAY_ADMIN_PORT");
    }
    // The failed start stopped the embedded PostgreSQL it had started.
    assertThat(Files.exists(dir.resolve("postgres").resolve("postmaster.pid"))).isFalse();
  }
}
