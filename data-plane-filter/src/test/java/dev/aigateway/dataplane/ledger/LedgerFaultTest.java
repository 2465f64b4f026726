package dev.aigateway.dataplane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.quota.FleetCounters;
import dev.aigateway.dataplane.quota.QuotaAdmission;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.quota.QuotaSettings;
import dev.aigateway.dataplane.store.postgres.PostgresLedgerSink;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops in the middle of traffic and comes back: admitted keys keep being served, and
 * the ledger ends with exactly one row per served request.
 */
class LedgerFaultTest {

  @Test
  void databaseOutageLosesNoUsageRecordAndCountsNoneTwice(@TempDir Path tmp) throws Exception {
    Path pgData = Files.createDirectories(tmp.resolve("pg"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedPostgres pg = start(pgData, port);
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    String url = pg.getJdbcUrl("postgres", "postgres");
    Migrations.migrate(pg.getPostgresDatabase());
    Database db = Database.connect(url, credentials, 8);
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", k.keyId(), null, "total_tokens", "day", "1000000000");

    ConfigStore store = QuotaFixtures.configStore(db);
    QuotaSettings quotaSettings =
        new QuotaSettings(Duration.ofMillis(100), 100, "fault-" + UUID.randomUUID());
    FleetCounters counters =
        new FleetCounters(QuotaFixtures.counters(db), quotaSettings, Clock.systemUTC()).start();
    QuotaAdmission admission =
        new QuotaAdmission(
            () -> store.current().quotas(), counters, quotaSettings, Clock.systemUTC(), null);
    LedgerSettings ledgerSettings =
        new LedgerSettings(
            100, Duration.ofMillis(50), 1000, Duration.ofDays(30), Duration.ofMillis(200));
    LedgerRecorder recorder =
        new LedgerRecorder(
            new PostgresLedgerSink(db),
            () -> store.current().quotas(),
            tmp.resolve("data"),
            ledgerSettings,
            Clock.systemUTC(),
            null);
    Thread.sleep(300); // one flush, so the window's total is known

    Set<String> served = ConcurrentHashMap.newKeySet();
    AtomicLong refusedWhileDown = new AtomicLong();
    AtomicLong servedWhileDown = new AtomicLong();
    AtomicBoolean down = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    long maxSpool = 0;
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < 8; c++) {
        pool.submit(
            () -> {
              while (running.get()) {
                String id = UUID.randomUUID().toString();
                AdmissionDecision d =
                    admission.admit(
                        new AdmissionRequest(id, k.keyId(), k.teamId(), "m", "p", "up", 20, 20L));
                if (d instanceof AdmissionDecision.Admitted a) {
                  Thread.sleep(5);
                  UsageRecord r =
                      new UsageRecord(
                          Clock.systemUTC().instant(),
                          id,
                          k.keyId(),
                          k.teamId(),
                          "m",
                          "p",
                          "up",
                          new TokenUsage(20, 20, 0),
                          true,
                          200,
                          Duration.ofMillis(5),
                          null,
                          false);
                  recorder.record(r);
                  a.ticket().settle(r);
                  served.add(id);
                  if (down.get()) {
                    servedWhileDown.incrementAndGet();
                  }
                } else if (down.get()) {
                  refusedWhileDown.incrementAndGet();
                }
              }
              return null;
            });
      }
      Thread.sleep(1000);
      pg.close();
      down.set(true);
      for (int i = 0; i < 30; i++) {
        Thread.sleep(100);
        maxSpool = Math.max(maxSpool, recorder.spoolDepth());
      }
      down.set(false);
      pg = start(pgData, port);
      Thread.sleep(1000);
      running.set(false);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((recorder.spoolDepth() > 0 || recorder.queued() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    recorder.close();
    Thread.sleep(200);

    long rows = db.dsl().fetchOne("select count(*) from usage_ledger").get(0, Long.class);
    long distinct =
        db.dsl().fetchOne("select count(distinct request_id) from usage_ledger").get(0, Long.class);
    long rolled =
        db.dsl()
            .fetchOne("select coalesce(sum(requests), 0) from usage_rollup_hourly")
            .get(0, Long.class);
    System.out.printf(
        "fault: served=%d served_while_down=%d refused_while_down=%d max_spool=%d ledger_rows=%d"
            + " rollup_requests=%d%n",
        served.size(), servedWhileDown.get(), refusedWhileDown.get(), maxSpool, rows, rolled);
    assertThat(servedWhileDown.get()).isPositive();
    assertThat(refusedWhileDown.get()).isZero();
    assertThat(maxSpool).isPositive();
    assertThat(rows).isEqualTo(served.size()).isEqualTo(distinct);
    assertThat(rolled).isEqualTo(served.size());
    Set<String> inLedger =
        Set.copyOf(
            db.dsl().fetch("select request_id from usage_ledger").getValues(0, String.class));
    assertThat(inLedger).isEqualTo(served);

    counters.close();
    store.close();
    db.close();
    pg.close();
  }

  private static EmbeddedPostgres start(Path dataDir, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
