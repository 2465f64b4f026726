package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's end-to-end script ({@code admin-ui/e2e/run.mjs}) in Debian's headless Chromium
 * against the packaged gateway started as users start it. CI (CI=true) installs Chromium and always
 * runs it; elsewhere it is skipped when Chromium is missing.
 */
class ConsoleBrowserIT {
  private static final String ADMIN_TOKEN = "console-e2e-admin-token-0123456789abcdef012345";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path dataDir;

  @Test
  void anOperatorDrivesTheConsoleEndToEnd() throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    assumeTrue(
        ci || Files.isExecutable(CHROMIUM),
        "Chromium is not installed (apt-get install chromium); CI installs it and runs this test");
    Path adminUi = Path.of(System.getProperty("gateway.admin-ui"));
    int proxyPort = GatewayProcess.freePort();
    try (GatewayProcess gateway =
        GatewayProcess.start(
            dataDir,
            Map.of("GATEWAY_ADMIN_TOKEN", ADMIN_TOKEN),
            "--proxy-port",
            Integer.toString(proxyPort))) {
      gateway.awaitReady(Duration.ofSeconds(90));
      Path log = Files.createTempFile("console-e2e", ".log");
      ProcessBuilder npm =
          new ProcessBuilder("npm", "run", "e2e")
              .directory(adminUi.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      npm.environment().put("GATEWAY_URL", "http://127.0.0.1:" + gateway.adminPort);
      npm.environment().put("GATEWAY_PROXY_URL", "http://127.0.0.1:" + proxyPort);
      npm.environment().put("GATEWAY_ADMIN_TOKEN", ADMIN_TOKEN);
      // The README's screenshots come from a seeded gateway (docs/operations.md), not this run.
      npm.environment()
          .put(
              "E2E_SCREENSHOTS", Path.of("target/console-screenshots").toAbsolutePath().toString());
      Process e2e = npm.start();
      boolean done = e2e.waitFor(5, TimeUnit.MINUTES);
      if (!done) {
        e2e.destroyForcibly();
      }
      String output = Files.readString(log);
      System.out.println(output);
      assertThat(done).as("console e2e finished within 5 minutes:\n" + output).isTrue();
      assertThat(e2e.exitValue()).as("console e2e exit code:\n" + output).isZero();
      gateway.terminate(Duration.ofSeconds(30));
    }
  }
}
