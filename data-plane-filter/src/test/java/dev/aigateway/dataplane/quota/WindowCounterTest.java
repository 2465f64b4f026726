package dev.aigateway.dataplane.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.quota.CounterStore.Total;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WindowCounterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final WindowCounter counter =
      new WindowCounter(
          new CounterKey(UUID.randomUUID(), Instant.parse("2026-11-25T10:00:00Z")),
          Instant.parse("2026-11-25T10:01:00Z"),
          nanos::get);

  @Test
  void readsAMillisecondApartStillMeasureTheFleetsGrowth() {
    // Exact checks near a limit read the total every few milliseconds: each read is too close to
    // the previous one to be a sample of its own, but the growth between them must still count.
    counter.apply(new Total(0, 1));
    long used = 0;
    for (int i = 2; i <= 201; i++) {
      nanos.addAndGet(1_000_000); // 1 ms
      used += 50;
      counter.apply(new Total(used, i));
    }

    // 50 units a millisecond: 50,000 a second, so about 50,000 in the next second.
    assertThat(counter.expectedGrowth(Duration.ofSeconds(1))).isBetween(45_000L, 55_000L);
  }

  @Test
  void theExpectedGrowthCoversTheTimeSinceTheLastRead() {
    counter.apply(new Total(0, 1));
    nanos.addAndGet(100_000_000); // 100 ms
    counter.apply(new Total(1_000, 2)); // 10,000 a second

    nanos.addAndGet(300_000_000); // no read for 300 ms (the database is unreachable)

    assertThat(counter.expectedGrowth(Duration.ofMillis(200))).isBetween(4_999L, 5_001L);
  }

  @Test
  void aRestoredTotalIsKnownButPredictsNoGrowthUntilItIsReadAgain() {
    counter.apply(new Total(7_000, 12));

    assertThat(counter.known()).isTrue();
    assertThat(counter.global()).isEqualTo(7_000);
    assertThat(counter.expectedGrowth(Duration.ofSeconds(1))).isZero();
  }
}
