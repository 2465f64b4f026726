package dev.aigateway.dataplane.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.quota.QuotaFixtures.TestClock;
import dev.aigateway.dataplane.store.file.CounterFile;
import dev.aigateway.dataplane.store.postgres.PostgresCounterStore;
import dev.aigateway.dataplane.testing.SwitchableTcpProxy;
import dev.aigateway.db.Database;
import dev.aigateway.db.PoolLimits;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.QuotaCounterRepository;
import dev.aigateway.vocabulary.quota.CounterKey;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas while the counter store is unreachable: three replicas (each its own counters and flusher
 * on its own connection pool, as three ext_proc processes have) share a 10,000 tokens/minute quota;
 * PostgreSQL becomes unreachable (connections refused) at about half the limit and traffic goes on,
 * then one replica restarts during the outage. Each phase is held to the bound
 * docs/usage-limiting.md derives ("While the database is unreachable"), computed from the totals
 * each replica last read and the database's own total when it went away, so that the assertions do
 * not depend on timing.
 */
@ExtendWith(PostgresExtension.class)
class OfflineQuotaOvershootTest {
  private static final int REPLICAS = 3;
  private static final int CLIENTS = 30;
  private static final long LIMIT = 10_000;
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:05Z");

  private final Database db;

  OfflineQuotaOvershootTest(Database db) {
    this.db = db;
  }

  /** One replica: its own pool, counters and admission. */
  private record Replica(Database pool, FleetCounters counters, QuotaAdmission admission) {
    void close() {
      counters.close();
      pool.close();
    }
  }

  /**
   * What one run admitted, phase by phase, and the bounds of each phase.
   *
   * @param sharesBound what the running replicas may admit in all: {@code D + Σ (L − G_i) / N_i},
   *     with D the database's total when it went away, G_i the total replica i last read and N_i
   *     the live replicas it last counted
   * @param restartBound the same with the restarted replica's remembered total in place of its G
   * @param counterTotal the database's total once it is back and the flushers caught up
   */
  private record Outcome(
      long sharesOnly, long afterRestart, long sharesBound, long restartBound, long counterTotal) {
    long admitted() {
      return sharesOnly + afterRestart;
    }
  }

  @Test
  void withoutMemoryARestartedReplicaMaySpendUpToAWholeLimit() throws Exception {
    Outcome o = outage("no-memory", i -> CounterMemory.NONE);
    // Replicas that were running keep to their shares of the headroom they last knew.
    assertThat(o.sharesOnly()).isLessThanOrEqualTo(o.sharesBound());
    // A replica restarted during the outage knows neither the total nor N: it may spend up to
    // the whole limit on its own, so the fleet is bounded by what the others knew plus one limit.
    assertThat(o.afterRestart()).isGreaterThan(LIMIT - o.sharesOnly());
    assertThat(o.admitted()).isLessThanOrEqualTo(o.sharesOnly() + LIMIT);
  }

  @Test
  void withTheCounterFileARestartedReplicaKeepsToItsShare(@TempDir Path dataDirs) throws Exception {
    Outcome o = outage("counter-file", i -> new CounterFile(dataDirs.resolve("replica-" + i)));
    assertThat(o.sharesOnly()).isLessThanOrEqualTo(o.sharesBound());
    // It starts from the total and N its previous run read, and from the deltas that run could not
    // send: together its two runs keep to one share, so the fleet stays within the same bound.
    assertThat(o.admitted()).isLessThanOrEqualTo(o.restartBound());
    // And what its previous run granted offline reaches the fleet's counter once the database is
    // back (a statement cut by the outage after it committed may count twice, never less).
    assertThat(o.counterTotal()).isGreaterThanOrEqualTo(o.admitted());
  }

  /**
   * Traffic to about half the limit, the database becomes unreachable, traffic goes on, replica 0
   * restarts (with {@code memory.apply(0)} again), traffic goes on.
   */
  private Outcome outage(String label, IntFunction<CounterMemory> memory) throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota = QuotaFixtures.quota(db, "key", k.keyId(), null, "total_tokens", "minute", "10000");
    TestClock clock = new TestClock(NOW);
    try (ConfigStore config = QuotaFixtures.configStore(db);
        SwitchableTcpProxy database = new SwitchableTcpProxy(port(db.jdbcUrl()))) {
      database.up();
      List<Replica> replicas = new ArrayList<>();
      for (int i = 0; i < REPLICAS; i++) {
        replicas.add(replica(config, database, clock, i, memory.apply(i)));
      }
      Thread.sleep(QuotaSettings.DEFAULT_FLUSH_INTERVAL.toMillis() * 3); // each knows N = 3

      QuotaCounterRepository counters = new QuotaCounterRepository(db);
      CounterKey key = new CounterKey(quota, QuotaWindow.MINUTE.start(NOW));
      long before = traffic(replicas, k, Duration.ofSeconds(5), LIMIT / 2);
      database.down();
      awaitUnreachable(replicas); // every flusher has failed once: nothing more is read
      // The database's own total (read past the forwarder) and what each replica last read of it.
      long atOutage = counters.total(key).used();
      long[] lastRead = new long[REPLICAS];
      int[] live = new int[REPLICAS];
      for (int i = 0; i < REPLICAS; i++) {
        WindowCounter c = replicas.get(i).counters().find(key);
        lastRead[i] = c == null ? 0 : c.global();
        live[i] = replicas.get(i).counters().liveReplicas();
      }
      long down = traffic(replicas, k, Duration.ofSeconds(2), Long.MAX_VALUE);
      long sharesOnly = before + down;

      // One replica restarts during the outage: it cannot read the counter.
      replicas.get(0).close();
      replicas.set(0, replica(config, database, clock, 9, memory.apply(0)));
      awaitUnreachable(replicas); // its first flush has to fail (the pool's 5 s timeout)
      WindowCounter restarted = replicas.get(0).counters().find(key);
      long[] restartRead = lastRead.clone();
      restartRead[0] = restarted == null || !restarted.known() ? 0 : restarted.global();
      int[] restartLive = live.clone();
      restartLive[0] = replicas.get(0).counters().liveReplicas();
      long afterRestart = traffic(replicas, k, Duration.ofSeconds(3), Long.MAX_VALUE);
      long admitted = sharesOnly + afterRestart;

      database.up();
      // The flushers catch up on their own (an explicit flush could race one in progress).
      long total = counters.total(key).used();
      long deadline2 = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (total < admitted && System.nanoTime() < deadline2) {
        Thread.sleep(100);
        total = counters.total(key).used();
      }
      long sharesBound = bound(atOutage, lastRead, live);
      long restartBound = bound(atOutage, restartRead, restartLive);
      System.out.printf(
          "offline-quota %s: limit=%d before_outage=%d total_at_outage=%d last_read=%s live=%s"
              + " admitted_while_down=%d overshoot_no_restart=%d bound_no_restart=%d"
              + " restarted_read=%d admitted_after_restart=%d admitted_total=%d"
              + " overshoot_with_restart=%d bound_with_restart=%d counter_total_after=%d%n",
          label,
          LIMIT,
          before,
          atOutage,
          java.util.Arrays.toString(lastRead),
          java.util.Arrays.toString(live),
          down,
          Math.max(0, sharesOnly - LIMIT),
          sharesBound,
          restartRead[0],
          afterRestart,
          admitted,
          Math.max(0, admitted - LIMIT),
          restartBound,
          total);
      replicas.forEach(Replica::close);
      return new Outcome(sharesOnly, afterRestart, sharesBound, restartBound, total);
    }
  }

  /**
   * {@code D + Σ (L − G_i) / N_i}, which is {@code L + Σ (D − G_i) / N} when every replica knows
   * the same N: on top of the database's total D, each replica spends at most its share of the
   * headroom it last knew (docs/usage-limiting.md). The expected growth only makes shares smaller.
   */
  private static long bound(long atOutage, long[] lastRead, int[] live) {
    long bound = atOutage;
    for (int i = 0; i < lastRead.length; i++) {
      bound += Math.max(0, LIMIT - lastRead[i]) / live[i];
    }
    return bound;
  }

  private static void awaitUnreachable(List<Replica> replicas) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!replicas.stream().allMatch(r -> r.counters().unreachable())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("a replica's flushes did not fail with the database down");
      }
      Thread.sleep(50);
    }
  }

  private Replica replica(
      ConfigStore config,
      SwitchableTcpProxy database,
      TestClock clock,
      int i,
      CounterMemory memory) {
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    String url = db.jdbcUrl().replace(":" + port(db.jdbcUrl()) + "/", ":" + database.port() + "/");
    Database pool = Database.connectLazily(url, credentials, PoolLimits.dataPlane(4));
    QuotaSettings settings =
        new QuotaSettings(
            QuotaSettings.DEFAULT_FLUSH_INTERVAL, 100, "offline-" + i + "-" + UUID.randomUUID());
    FleetCounters counters =
        new FleetCounters(new PostgresCounterStore(pool), settings, clock, memory);
    counters.start();
    return new Replica(
        pool,
        counters,
        new QuotaAdmission(() -> config.current().quotas(), counters, settings, clock, null));
  }

  /** Clients on every replica until {@code duration} passes or {@code stopAt} tokens are in. */
  private static long traffic(List<Replica> replicas, KeyAndTeam k, Duration duration, long stopAt)
      throws InterruptedException {
    return QuotaTraffic.run(
            replicas.stream().map(Replica::admission).toList(), k, CLIENTS, duration, stopAt, NOW)
        .admittedTokens();
  }

  private static int port(String jdbcUrl) {
    String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
    return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
  }
}
