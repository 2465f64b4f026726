package dev.aigateway.dataplane.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.quota.QuotaFixtures.TestClock;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.QuotaCounterRepository;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three replicas (each its own counters and flusher, as three ext_proc processes would have) share
 * one database and one 10,000 tokens/minute quota, hit by 60 concurrent clients sending requests of
 * about 100 tokens. The fleet-wide total must stay within the documented bound and under 2% over.
 */
@ExtendWith(PostgresExtension.class)
class MultiReplicaOvershootTest {
  private static final int REPLICAS = 3;
  private static final int CLIENTS = 60;
  private static final long LIMIT = 10_000;
  private static final Duration FLUSH = QuotaSettings.DEFAULT_FLUSH_INTERVAL;

  private final Database db;

  MultiReplicaOvershootTest(Database db) {
    this.db = db;
  }

  @Test
  void threeReplicasSharingOneQuotaOvershootByLessThanTwoPercent() throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota = QuotaFixtures.quota(db, "key", k.keyId(), null, "total_tokens", "minute", "10000");
    // A fixed instant inside one minute: the run measures one window, not a roll-over.
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:05Z"));
    QuotaCounterRepository repository = new QuotaCounterRepository(db);
    List<FleetCounters> fleets = new ArrayList<>();
    List<QuotaAdmission> replicas = new ArrayList<>();
    List<ConfigStore> stores = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      ConfigStore store = QuotaFixtures.configStore(db);
      QuotaSettings settings =
          new QuotaSettings(FLUSH, 100, "replica-" + i + "-" + UUID.randomUUID());
      FleetCounters counters =
          new FleetCounters(QuotaFixtures.counters(db), settings, clock).start();
      stores.add(store);
      fleets.add(counters);
      replicas.add(
          new QuotaAdmission(() -> store.current().quotas(), counters, settings, clock, null));
    }
    // Let every replica heartbeat once so each knows there are three.
    Thread.sleep(FLUSH.toMillis() * 3);

    QuotaTraffic.Result run =
        QuotaTraffic.run(
            replicas, k, CLIENTS, Duration.ofSeconds(3), Long.MAX_VALUE, clock.instant());
    for (FleetCounters f : fleets) {
      f.flush();
    }
    long total =
        repository.total(new CounterKey(quota, Instant.parse("2026-11-25T10:00:00Z"))).used();
    long overshoot = Math.max(0, total - LIMIT);
    double fillSeconds = (run.firstRejectionNanos() - run.startNanos()) / 1e9;
    double rate = run.admittedTokens() / Math.max(fillSeconds, 1e-3);
    // Documented bound (docs/usage-limiting.md): LOCAL_FRACTION * L + E, with E = 0 here (the
    // actual usage equals the reservation).
    double bound = QuotaAdmission.LOCAL_FRACTION * LIMIT;
    System.out.printf(
        "multi-replica: replicas=%d clients=%d limit=%d admitted_requests=%d admitted_tokens=%d"
            + " counter_total=%d overshoot=%d (%.2f%%) rejections=%d fill=%.3fs rate=%.0f tok/s"
            + " bound=%.0f%n",
        REPLICAS,
        CLIENTS,
        LIMIT,
        run.admittedRequests(),
        run.admittedTokens(),
        total,
        overshoot,
        100.0 * overshoot / LIMIT,
        run.rejected(),
        fillSeconds,
        rate,
        bound);

    assertThat(total).isEqualTo(run.admittedTokens());
    assertThat(run.rejected()).isPositive();
    assertThat((double) overshoot).isLessThanOrEqualTo(bound);
    assertThat(overshoot).isLessThan(LIMIT * 2 / 100);
    // The fleet must not stop far below the limit either.
    assertThat(total).isGreaterThan(LIMIT * 90 / 100);
    for (FleetCounters f : fleets) {
      f.close();
    }
    stores.forEach(ConfigStore::close);
  }
}
