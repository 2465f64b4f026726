package dev.aigateway.dataplane.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.quota.QuotaFixtures.TestClock;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.QuotaCounterRepository;
import dev.aigateway.db.usage.QuotaUsageReader;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class QuotaAdmissionTest {
  private final Database db;
  private final QuotaCounterRepository repository;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  QuotaAdmissionTest(Database db) {
    this.db = db;
    this.repository = new QuotaCounterRepository(db);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private QuotaAdmission admission(TestClock clock) {
    ConfigStore store = QuotaFixtures.configStore(db);
    closeables.add(store);
    QuotaSettings settings =
        new QuotaSettings(Duration.ofMillis(50), 100, "test-" + UUID.randomUUID());
    FleetCounters counters = new FleetCounters(QuotaFixtures.counters(db), settings, clock);
    closeables.add(counters);
    return new QuotaAdmission(
        () -> store.current().quotas(), counters.start(), settings, clock, null);
  }

  private static AdmissionRequest request(KeyAndTeam k, String model, long input, Long maxOut) {
    return new AdmissionRequest(
        UUID.randomUUID().toString(), k.keyId(), k.teamId(), model, "p", "up", input, maxOut);
  }

  private static UsageRecord done(TestClock clock, long in, long out, int status) {
    return new UsageRecord(
        clock.instant(),
        "r",
        null,
        null,
        "m",
        "p",
        "up",
        new TokenUsage(in, out, 0),
        true,
        status,
        Duration.ofMillis(5),
        null,
        false);
  }

  private static AdmissionTicket admitted(AdmissionDecision d) {
    assertThat(d).isInstanceOf(AdmissionDecision.Admitted.class);
    return ((AdmissionDecision.Admitted) d).ticket();
  }

  private static void assertRejected(AdmissionDecision d) {
    assertThat(d).isInstanceOf(AdmissionDecision.Rejected.class);
    var error = ((AdmissionDecision.Rejected) d).error();
    assertThat(error.status()).isEqualTo(429);
    assertThat(error.type()).isEqualTo("rate_limit_exceeded");
    assertThat(error.headers()).containsKey("retry-after");
  }

  @Test
  void promptIsCountedOnlyWhenAQuotaOnInputTokensOrCostApplies() {
    KeyAndTeam outputOnly = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", outputOnly.keyId(), null, "output_tokens", "day", "1000");
    KeyAndTeam teamTotal = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "team", teamTotal.teamId(), "m", "total_tokens", "day", "1000");
    KeyAndTeam cost = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", cost.keyId(), null, "cost_usd", "month", "5");
    KeyAndTeam none = QuotaFixtures.keyAndTeam(db);
    QuotaAdmission admission = admission(new TestClock(Instant.parse("2026-11-25T10:00:00Z")));

    assertThat(admission.needsTokenEstimate(outputOnly.keyId(), outputOnly.teamId(), "m"))
        .isFalse();
    assertThat(admission.needsTokenEstimate(teamTotal.keyId(), teamTotal.teamId(), "m")).isTrue();
    assertThat(admission.needsTokenEstimate(teamTotal.keyId(), teamTotal.teamId(), "other"))
        .isFalse();
    assertThat(admission.needsTokenEstimate(cost.keyId(), cost.teamId(), "m")).isTrue();
    assertThat(admission.needsTokenEstimate(none.keyId(), none.teamId(), "m")).isFalse();
  }

  @Test
  void minuteQuotaRollsOverExactlyAtTheBoundary() {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", k.keyId(), null, "input_tokens", "minute", "100");
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:59Z"));
    QuotaAdmission admission = admission(clock);

    admitted(admission.admit(request(k, "m", 100, 0L))).settle(done(clock, 100, 0, 200));
    AdmissionDecision refused = admission.admit(request(k, "m", 1, 0L));
    assertRejected(refused);
    assertThat(((AdmissionDecision.Rejected) refused).error().headers())
        .containsEntry("retry-after", "1")
        .containsEntry("x-ratelimit-remaining-tokens", "0");

    clock.set(Instant.parse("2026-11-25T10:01:00Z"));
    admitted(admission.admit(request(k, "m", 100, 0L)));
  }

  @Test
  void dayAndMonthQuotasRollOverAtMidnightAndMonthEndOfALeapYear() {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", k.keyId(), null, "input_tokens", "day", "50");
    TestClock clock = new TestClock(Instant.parse("2028-02-28T23:59:59.500Z"));
    QuotaAdmission admission = admission(clock);
    admitted(admission.admit(request(k, "m", 50, 0L)));
    assertRejected(admission.admit(request(k, "m", 50, 0L)));
    clock.set(Instant.parse("2028-02-29T00:00:00Z"));
    admitted(admission.admit(request(k, "m", 50, 0L)));

    KeyAndTeam other = QuotaFixtures.keyAndTeam(db);
    QuotaFixtures.quota(db, "key", other.keyId(), null, "input_tokens", "month", "50");
    QuotaAdmission monthly = admission(clock);
    admitted(monthly.admit(request(other, "m", 50, 0L)));
    clock.set(Instant.parse("2028-02-29T23:59:59.999Z"));
    AdmissionDecision lastMs = monthly.admit(request(other, "m", 50, 0L));
    assertRejected(lastMs);
    assertThat(((AdmissionDecision.Rejected) lastMs).error().headers())
        .containsEntry("retry-after", "1");
    clock.set(Instant.parse("2028-03-01T00:00:00Z"));
    admitted(monthly.admit(request(other, "m", 50, 0L)));
  }

  @Test
  void reservationIsReplacedByActualUsageAndReleasedOnFailure() throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota = QuotaFixtures.quota(db, "team", k.teamId(), "m", "total_tokens", "hour", "300");
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    QuotaAdmission admission = admission(clock);

    // 50 in + 100 out reserved, twice: full.
    AdmissionTicket first = admitted(admission.admit(request(k, "m", 50, 100L)));
    AdmissionTicket second = admitted(admission.admit(request(k, "m", 50, 100L)));
    assertThat(first.responseHeaders()).containsEntry("x-ratelimit-limit-tokens", "300");
    assertRejected(admission.admit(request(k, "m", 50, 100L)));
    // Another model is not counted by a model-specific quota.
    admitted(admission.admit(request(k, "other", 50, 100L)));

    second.release(done(clock, 0, 0, 0));
    first.settle(done(clock, 40, 10, 200)); // actual 50 of 150 reserved
    AdmissionTicket third = admitted(admission.admit(request(k, "m", 50, 100L)));
    assertThat(third.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens", "100");
    // An upstream failure without usage gives the reservation back.
    third.settle(
        new UsageRecord(
            clock.instant(),
            "r",
            null,
            null,
            "m",
            "p",
            "up",
            TokenUsage.NONE,
            false,
            502,
            Duration.ZERO,
            null,
            false));

    QuotaUsageReader reader = new QuotaUsageReader(repository, clock);
    waitUntilFlushed(reader, quota, "50");
    var usage = reader.current(quota, "hour", "total_tokens", new BigDecimal("300"));
    assertThat(usage.remaining()).isEqualByComparingTo("250");
    assertThat(usage.windowStart()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(usage.resetsAt()).isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
  }

  private static UsageRecord attempt(
      TestClock clock, KeyAndTeam k, int n, TokenUsage usage, UsageSource source, int status) {
    return new UsageRecord(
        clock.instant(),
        "failed-over",
        k.keyId(),
        k.teamId(),
        "m",
        "p" + n,
        "up",
        usage,
        source,
        status,
        Duration.ofMillis(5),
        null,
        false,
        null,
        "chat",
        n,
        "t" + n);
  }

  @Test
  void everyAttemptThatProducedTokensIsChargedAndTheRouterReservationIsGivenBack()
      throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota = QuotaFixtures.quota(db, "key", k.keyId(), "m", "total_tokens", "hour", "1000");
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    QuotaAdmission admission = admission(clock);

    // The router point reserves 50 + 100 for the request.
    AdmissionTicket reservation = admitted(admission.admit(request(k, "m", 50, 100L)));
    // Attempt 1 timed out after the provider may have generated: its reservation is the charge.
    admission.charge(attempt(clock, k, 1, new TokenUsage(50, 100, 0), UsageSource.RESERVED, 0));
    // Attempt 2 answered 503: nothing used, nothing charged.
    admission.charge(attempt(clock, k, 2, TokenUsage.NONE, UsageSource.NONE, 503));
    // Attempt 3 served the client with 40 + 20 reported.
    admission.charge(attempt(clock, k, 3, new TokenUsage(40, 20, 0), UsageSource.REPORTED, 200));
    reservation.release(done(clock, 0, 0, 200));

    waitUntilFlushed(new QuotaUsageReader(repository, clock), quota, "210");
  }

  private void waitUntilFlushed(QuotaUsageReader reader, UUID quota, String used) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (reader
              .current(quota, "hour", "total_tokens", BigDecimal.TEN)
              .used()
              .compareTo(new BigDecimal(used))
          == 0) {
        return;
      }
      Thread.sleep(20);
    }
    assertThat(reader.current(quota, "hour", "total_tokens", BigDecimal.TEN).used())
        .isEqualByComparingTo(used);
  }

  @Test
  void hundredConcurrentRequestsNeverPassASmallLimit() throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    UUID quota =
        QuotaFixtures.quota(db, "team", k.teamId(), null, "input_tokens", "minute", "1000");
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:10Z"));
    QuotaAdmission admission = admission(clock);
    AtomicLong admittedTokens = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 100; i++) {
        pool.submit(
            () -> {
              start.await();
              AdmissionDecision d = admission.admit(request(k, "m", 30, 0L));
              if (d instanceof AdmissionDecision.Admitted a) {
                admittedTokens.addAndGet(30);
                a.ticket().settle(done(clock, 30, 0, 200));
              }
              return null;
            });
      }
      start.countDown();
    }
    // 33 * 30 = 990 fit; a 34th would pass 1000.
    assertThat(admittedTokens.get()).isLessThanOrEqualTo(1000).isGreaterThanOrEqualTo(900);
    // Settled charges reach the counter row asynchronously: wait (bounded) for the last of them.
    CounterKey key = new CounterKey(quota, Instant.parse("2026-11-25T10:00:00Z"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (repository.total(key).used() != admittedTokens.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(repository.total(key).used()).isEqualTo(admittedTokens.get());
  }

  @Test
  void costBudgetStopsTrafficAtTheRightAmount() {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    // $2 per million in, $8 per million out: a 1000 in + 500 out request costs $0.006.
    QuotaFixtures.model(db, "priced", "2", "8");
    QuotaFixtures.quota(db, "key", k.keyId(), null, "cost_usd", "month", "0.03");
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    QuotaAdmission admission = admission(clock);
    int served = 0;
    for (int i = 0; i < 10; i++) {
      AdmissionDecision d = admission.admit(request(k, "priced", 1000, 500L));
      if (d instanceof AdmissionDecision.Admitted a) {
        served++;
        a.ticket().settle(done(clock, 1000, 500, 200));
      } else {
        assertRejected(d);
        assertThat(((AdmissionDecision.Rejected) d).error().message()).contains("spend (USD)");
      }
    }
    assertThat(served).isEqualTo(5);
  }
}
