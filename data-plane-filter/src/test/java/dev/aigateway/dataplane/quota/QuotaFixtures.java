package dev.aigateway.dataplane.quota;

import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.store.postgres.PostgresConfigFeed;
import dev.aigateway.dataplane.store.postgres.PostgresCounterStore;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.db.secret.SecretCipher;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** Config rows written straight to the database (the admin API lives in another module). */
public final class QuotaFixtures {
  private QuotaFixtures() {}

  public record KeyAndTeam(UUID keyId, UUID teamId) {}

  /** The data plane's config store on {@code db}: one snapshot with keys, quotas and prices. */
  public static ConfigStore configStore(Database db) {
    return ConfigStore.start(
        new PostgresConfigFeed(db, new SecretCipher(TestConfig.SECRET_KEY, List.of())));
  }

  /** The fleet-wide counters of {@code db}, as the data plane reaches them. */
  public static CounterStore counters(Database db) {
    return new PostgresCounterStore(db);
  }

  public static KeyAndTeam keyAndTeam(Database db) {
    UUID team = UUID.randomUUID();
    UUID key = UUID.randomUUID();
    db.dsl()
        .transaction(
            tx -> {
              tx.dsl().execute("insert into teams (id, name) values (?, ?)", team, "team-" + team);
              tx.dsl()
                  .execute(
                      "insert into api_keys (id, name, team_id, prefix, key_hash) values (?, ?, ?,"
                          + " ?, ?)",
                      key,
                      "key-" + key,
                      team,
                      "sk-gw-test",
                      Hashes.sha256("sk-gw-" + key));
              ConfigRevisions.bump(tx.dsl());
            });
    return new KeyAndTeam(key, team);
  }

  public static UUID quota(
      Database db,
      String scope,
      @Nullable UUID scopeId,
      @Nullable String model,
      String metric,
      String window,
      String limit) {
    UUID id = UUID.randomUUID();
    db.dsl()
        .transaction(
            tx -> {
              tx.dsl()
                  .execute(
                      "insert into quotas (id, scope, scope_id, model, metric, time_window,"
                          + " limit_value) values (?, ?, ?, ?, ?, ?, ?)",
                      id,
                      scope,
                      scopeId,
                      model,
                      metric,
                      window,
                      new BigDecimal(limit));
              ConfigRevisions.bump(tx.dsl());
            });
    return id;
  }

  public static void model(
      Database db, String name, String inputPerMillion, String outputPerMillion) {
    db.dsl()
        .transaction(
            tx -> {
              tx.dsl()
                  .execute(
                      "insert into models (id, name, input_per_million, output_per_million)"
                          + " values (?, ?, ?, ?)",
                      UUID.randomUUID(),
                      name,
                      new BigDecimal(inputPerMillion),
                      new BigDecimal(outputPerMillion));
              ConfigRevisions.bump(tx.dsl());
            });
  }

  /** A clock tests move by hand. */
  public static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    public TestClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    public void set(Instant instant) {
      now.set(instant);
    }

    public void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
