package dev.aigateway.dataplane.quota;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica stopped while the counter store is unreachable hands what it knew and what it granted
 * to its next start through {@code quota-counters.json}: the restart counts those grants against
 * its share and sends them once the store answers.
 */
@ExtendWith(PostgresExtension.class)
class RestartDuringOutageCountersTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:05Z");

  private final Database db;

  RestartDuringOutageCountersTest(Database db) {
    this.db = db;
  }

  @Test
  void grantsTheStoreNeverConfirmedSurviveARestartAndReachTheFleetCounter(@TempDir Path dataDir)
      throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota = QuotaFixtures.quota(db, "key", k.keyId(), null, "total_tokens", "minute", "10000");
    CounterKey key = new CounterKey(quota, QuotaWindow.MINUTE.start(NOW));
    Instant windowEnd = QuotaWindow.MINUTE.end(NOW);
    TestClock clock = new TestClock(NOW);
    try (SwitchableTcpProxy database = new SwitchableTcpProxy(port(db.jdbcUrl()))) {
      database.up();
      Database firstPool = pool(database);
      FleetCounters first = counters(firstPool, clock, dataDir);
      first.adjust(key, windowEnd, 1_000);
      first.flush(); // 1,000 confirmed
      first.adjust(key, windowEnd, 40);

      database.down();
      first.adjust(key, windowEnd, 210); // granted while the store is unreachable
      first.close(); // its last flush fails: 250 unconfirmed
      firstPool.close();

      Database secondPool = pool(database);
      FleetCounters second = counters(secondPool, clock, dataDir);
      WindowCounter restored = second.find(key);
      assertThat(restored).isNotNull();
      assertThat(restored.known()).isTrue();
      assertThat(restored.global()).isEqualTo(1_000);
      // Counted against this replica's share from the start, as if it had never stopped.
      assertThat(restored.unflushed()).isEqualTo(250);
      assertThat(restored.used()).isEqualTo(1_250);

      database.up();
      second.flush();
      assertThat(new QuotaCounterRepository(db).total(key).used()).isEqualTo(1_250);
      assertThat(restored.unflushed()).isZero();
      second.close();
      secondPool.close();
    }
  }

  private Database pool(SwitchableTcpProxy database) {
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    String url = db.jdbcUrl().replace(":" + port(db.jdbcUrl()) + "/", ":" + database.port() + "/");
    return Database.connectLazily(url, credentials, PoolLimits.dataPlane(2));
  }

  private static FleetCounters counters(Database pool, TestClock clock, Path dataDir) {
    return new FleetCounters(
        new PostgresCounterStore(pool),
        new QuotaSettings(
            QuotaSettings.DEFAULT_FLUSH_INTERVAL, 100, "restart-" + UUID.randomUUID()),
        clock,
        new CounterFile(dataDir));
  }

  private static int port(String jdbcUrl) {
    String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
    return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
  }
}
