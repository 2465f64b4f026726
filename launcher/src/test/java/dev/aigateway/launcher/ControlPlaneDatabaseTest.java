package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aigateway.controlplane.lastgood.LastGoodXdsFile;
import dev.aigateway.controlplane.xds.XdsState;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.secret.SecretCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** How {@code run} and {@code control-plane} open an external database that is down at start. */
class ControlPlaneDatabaseTest {
  private static final XdsState STATE =
      new XdsState(
          12,
          List.of(new XdsState.Fleet("default", 10000)),
          List.of(new XdsState.Provider("openai", "openai", "https://api.openai.com/v1")));

  @TempDir Path dataDir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ControlPlaneDatabase.class);
  private final byte[] key = randomKey();
  private int port;

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  @BeforeEach
  void captureLogs() throws Exception {
    logs.start();
    logger.addAppender(logs);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // nothing listens here until a test starts PostgreSQL on it
    }
  }

  @AfterEach
  void stopCapturing() {
    logger.detachAppender(logs);
  }

  private DatabaseSettings settings() {
    return new DatabaseSettings(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null, dataDir, 2);
  }

  private SecretCipher cipher(byte[] k) {
    return new SecretCipher(k, List.of());
  }

  @Test
  void aDatabaseThatIsDownStartsFromTheLastGoodStateAtOnce() throws Exception {
    new LastGoodXdsFile(dataDir, cipher(key), Clock.systemUTC()).save(STATE);
    long start = System.nanoTime();

    ControlPlaneDatabase opened = ControlPlaneDatabase.open(settings(), cipher(key));

    opened.database().close();
    assertThat(opened.lastGood()).isNotNull();
    assertThat(opened.lastGood().state()).isEqualTo(STATE);
    // The probe's connect is refused at once; nothing waits out the 10 s a pool may take to open
    // its first connection (the bound leaves room for a loaded build machine).
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
  }

  @Test
  void aLastGoodStateSealedWithAnotherKeyIsRefusedInOneLineAndTheStartWaitsForTheDatabase()
      throws Exception {
    new LastGoodXdsFile(dataDir, cipher(randomKey()), Clock.systemUTC()).save(STATE);

    CompletableFuture<ControlPlaneDatabase> opening =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ControlPlaneDatabase.open(settings(), cipher(key));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(3000);
    assertThat(opening).isNotDone();
    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst())
        .contains(LastGoodXdsFile.FILE_NAME)
        .contains("cannot be opened with the configured secret key")
        .contains("waiting for the database");

    Path pgData = Files.createDirectories(dataDir.resolve("pg"));
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder().setDataDirectory(pgData).setPort(port).start()) {
      ControlPlaneDatabase opened = opening.get(30, TimeUnit.SECONDS);
      try (var db = opened.database()) {
        assertThat(opened.lastGood()).isNull();
        // Migrated before it was handed out.
        assertThat(db.dsl().fetchValue("select count(*) from config_revision")).isEqualTo(1L);
      }
    }
  }
}
