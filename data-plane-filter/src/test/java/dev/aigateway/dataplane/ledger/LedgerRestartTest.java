package dev.aigateway.dataplane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.store.postgres.PostgresLedgerSink;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import dev.aigateway.db.Database;
import dev.aigateway.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database dies while a batch is being written, the gateway is restarted while it is down (its
 * queue goes to the spool), a crash tore the spool's last line, and a replay that committed lost
 * its file deletion: once the database is back, the restarted recorder replays the spool, and the
 * ledger holds each served request exactly once; the torn line is quarantined, not dropped.
 */
class LedgerRestartTest {
  private static final LedgerSettings SETTINGS =
      new LedgerSettings(
          50, Duration.ofMillis(300), 1000, Duration.ofDays(30), Duration.ofMillis(200));

  @Test
  void aBatchCutByTheDatabaseIsReplayedOnceAfterARestart(@TempDir Path tmp) throws Exception {
    Path pgData = Files.createDirectories(tmp.resolve("pg"));
    Path dataDir = tmp.resolve("data");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedPostgres pg = start(pgData, port);
    Migrations.migrate(pg.getPostgresDatabase());
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    Database db = Database.connect(pg.getJdbcUrl("postgres", "postgres"), credentials, 4);
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    List<String> served = new ArrayList<>();

    LedgerRecorder first = recorder(db, dataDir);
    for (int i = 0; i < 30; i++) {
      served.add(record(first, k));
    }
    Thread.sleep(1_000); // written
    for (int i = 0; i < 70; i++) {
      served.add(record(first, k)); // a batch is filling ...
    }
    pg.close(); // ... and the database goes away under it
    for (int i = 0; i < 50; i++) {
      served.add(record(first, k));
    }
    first.close(); // the gateway restarts while the database is down
    db.close();

    Path spool = dataDir.resolve("spool");
    List<Path> files = spoolFiles(spool);
    assertThat(files).isNotEmpty();
    // A replay that committed, then crashed before deleting its file: the same lines again.
    Files.copy(files.getFirst(), spool.resolve("ledger-0999999999999999999.jsonl"));
    // A crash mid-append tore the last line.
    Files.writeString(
        files.getLast(), "{\"time\":\"2026-", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    pg = start(pgData, port);
    db = Database.connect(pg.getJdbcUrl("postgres", "postgres"), credentials, 4);
    try (LedgerRecorder second = recorder(db, dataDir)) {
      assertThat(second.spoolDepth()).isGreaterThanOrEqualTo(120);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (second.spoolDepth() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(second.spoolDepth()).isZero();
      assertThat(second.quarantined()).isEqualTo(1);
    }

    long rows = db.dsl().fetchOne("select count(*) from usage_ledger").get(0, Long.class);
    long rolled =
        db.dsl()
            .fetchOne("select coalesce(sum(requests), 0) from usage_rollup_hourly")
            .get(0, Long.class);
    Set<String> inLedger =
        Set.copyOf(
            db.dsl().fetch("select request_id from usage_ledger").getValues(0, String.class));
    assertThat(rows).isEqualTo(served.size());
    assertThat(rolled).isEqualTo(served.size());
    assertThat(inLedger).containsExactlyInAnyOrderElementsOf(served);
    assertThat(Files.readString(spool.resolve("dead-letter.jsonl")))
        .contains("unreadable spool line");
    db.close();
    pg.close();
  }

  private static LedgerRecorder recorder(Database db, Path dataDir) {
    return new LedgerRecorder(
        new PostgresLedgerSink(db),
        () -> QuotaConfig.EMPTY,
        dataDir,
        SETTINGS,
        Clock.systemUTC(),
        null);
  }

  private static String record(LedgerRecorder recorder, KeyAndTeam k) {
    String id = UUID.randomUUID().toString();
    recorder.record(
        new UsageRecord(
            Instant.now(),
            id,
            k.keyId(),
            k.teamId(),
            "m",
            "p",
            "u",
            new TokenUsage(10, 5, 0),
            UsageSource.REPORTED,
            200,
            Duration.ofMillis(3),
            null,
            false,
            null));
    return id;
  }

  private static List<Path> spoolFiles(Path spool) throws Exception {
    try (Stream<Path> s = Files.list(spool)) {
      return s.filter(p -> p.getFileName().toString().startsWith("ledger-")).sorted().toList();
    }
  }

  private static EmbeddedPostgres start(Path dataDir, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
