package dev.aigateway.dataplane.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.quota.QuotaFixtures.TestClock;
import dev.aigateway.dataplane.usage.Saturating;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.QuotaCounterRepository;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 attacks 2 and 4 against the real quota admission and counter store on PostgreSQL: a
 * reservation of 2^63 tokens is refused (it once wrapped the counter to -9.2e18 and let everything
 * through, or gave a 500 under a cost quota), and a request the provider may have served keeps its
 * reservation.
 */
@ExtendWith(PostgresExtension.class)
class QuotaOverflowAttackTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final Database db;
  private final QuotaCounterRepository repository;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  QuotaOverflowAttackTest(Database db) {
    this.db = db;
    this.repository = new QuotaCounterRepository(db);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private QuotaAdmission admission() {
    ConfigStore store = QuotaFixtures.configStore(db);
    closeables.add(store);
    QuotaSettings settings =
        new QuotaSettings(Duration.ofMillis(50), 100, "overflow-" + UUID.randomUUID());
    FleetCounters counters =
        new FleetCounters(QuotaFixtures.counters(db), settings, new TestClock(NOW));
    closeables.add(counters);
    return new QuotaAdmission(
        () -> store.current().quotas(), counters.start(), settings, new TestClock(NOW), null);
  }

  private static AdmissionRequest request(KeyAndTeam k, long input, Long maxOut) {
    return new AdmissionRequest(
        UUID.randomUUID().toString(), k.keyId(), k.teamId(), "m", "p", "up", input, maxOut);
  }

  private static UsageRecord finished(UsageSource source, int status) {
    return new UsageRecord(
        NOW,
        "r",
        null,
        null,
        "m",
        "p",
        "up",
        new TokenUsage(0, 0, 0),
        source,
        status,
        Duration.ofMillis(5),
        null,
        false,
        null);
  }

  @Test
  void aReservationOfTwoToThe63IsRefusedAndTheCounterNeverGoesNegative() throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota = QuotaFixtures.quota(db, "key", k.keyId(), null, "total_tokens", "day", "1000");
    QuotaAdmission admission = admission();

    AdmissionDecision huge = admission.admit(request(k, 10, Long.MAX_VALUE));
    assertThat(huge).isInstanceOf(AdmissionDecision.Rejected.class);
    assertThat(((AdmissionDecision.Rejected) huge).error().status()).isEqualTo(429);

    AdmissionDecision small = admission.admit(request(k, 10, 10L));
    assertThat(small).isInstanceOf(AdmissionDecision.Admitted.class);
    Thread.sleep(200); // a few flushes
    var used =
        db.dsl().fetch("select used from quota_counters where quota_id = ?", quota).getValues(0);
    assertThat(used).allSatisfy(u -> assertThat((Long) u).isBetween(0L, 1000L));
  }

  @Test
  void aCostQuotaWithAnAbsurdReservationIsA429NotAnError() {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.model(db, "m", "2.5", "10");
    QuotaFixtures.quota(db, "key", k.keyId(), null, "cost_usd", "month", "5");
    QuotaAdmission admission = admission();

    AdmissionDecision d = admission.admit(request(k, Long.MAX_VALUE, Long.MAX_VALUE));

    assertThat(d).isInstanceOf(AdmissionDecision.Rejected.class);
  }

  @Test
  void theCounterStorePinsAtTheEndOfBigintInsteadOfFailingEveryFlush() throws Exception {
    CounterKey key = new CounterKey(UUID.randomUUID(), NOW);
    repository.flush("r1", Map.of(key, Long.MAX_VALUE - 5), Duration.ofSeconds(5));
    var after = repository.flush("r1", Map.of(key, Long.MAX_VALUE), Duration.ofSeconds(5));

    assertThat(after.totals().get(key).used()).isEqualTo(Long.MAX_VALUE);
    assertThat(repository.addIfWithin(key, Long.MAX_VALUE, Long.MAX_VALUE)).isNull();
  }

  @Test
  void costAndSumsSaturateInsteadOfWrapping() {
    Prices prices = new Prices(new BigDecimal("1000000"), new BigDecimal("1000000"), null);
    assertThat(prices.costNanos(Long.MAX_VALUE, Long.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.add(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(Saturating.multiply(Integer.MAX_VALUE, 128)).isEqualTo(274_877_906_816L);
    assertThat(Saturating.multiply(Long.MAX_VALUE / 2, 3)).isEqualTo(Long.MAX_VALUE);
    assertThat(new TokenUsage(Long.MAX_VALUE, 5, 0).totalTokens()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aRequestTheProviderMayHaveServedKeepsItsReservation() {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", k.keyId(), null, "output_tokens", "day", "150");
    QuotaAdmission admission = admission();

    AdmissionTicket hungUp = admitted(admission.admit(request(k, 0, 100L)));
    hungUp.settle(finished(UsageSource.RESERVED, 0));
    // The 100 reserved are kept as the charge: another 100 no longer fits in 150.
    assertThat(admission.admit(request(k, 0, 100L))).isInstanceOf(AdmissionDecision.Rejected.class);

    KeyAndTeam other = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", other.keyId(), null, "output_tokens", "day", "150");
    QuotaAdmission fresh = admission();
    admitted(fresh.admit(request(other, 0, 100L))).settle(finished(UsageSource.NONE, 503));
    // An upstream error used nothing: the reservation came back.
    assertThat(fresh.admit(request(other, 0, 100L))).isInstanceOf(AdmissionDecision.Admitted.class);
  }

  private static AdmissionTicket admitted(AdmissionDecision d) {
    assertThat(d).isInstanceOf(AdmissionDecision.Admitted.class);
    return ((AdmissionDecision.Admitted) d).ticket();
  }
}
