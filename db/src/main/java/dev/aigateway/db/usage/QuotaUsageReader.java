package dev.aigateway.db.usage;

import static java.util.Objects.requireNonNull;

import dev.aigateway.vocabulary.quota.CounterKey;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * A quota's fleet-wide usage in its current window, for the admin API's quota {@code usage} field.
 * It reads the counters the ext_proc replicas flush, so it lags them by at most one flush interval.
 */
public final class QuotaUsageReader {

  /** {@code {window_start, resets_at, used, remaining}} in the quota's unit (tokens or USD). */
  public record QuotaUsage(
      Instant windowStart, Instant resetsAt, BigDecimal used, BigDecimal remaining) {}

  private final QuotaCounterRepository counters;
  private final Clock clock;

  public QuotaUsageReader(QuotaCounterRepository counters, Clock clock) {
    this.counters = requireNonNull(counters, "counters");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The usage of a quota whose stored columns are {@code window}, {@code metric} and {@code limit}.
   *
   * @throws IllegalArgumentException for an unknown window or metric name
   */
  public QuotaUsage current(UUID quotaId, String window, String metric, BigDecimal limit)
      throws SQLException {
    QuotaWindow w = QuotaWindow.of(window);
    QuotaMetric m = QuotaMetric.of(metric);
    Instant now = clock.instant();
    Instant start = w.start(now);
    // Reservations of requests still in flight count too (they are part of the counter), and
    // corrections can briefly take a counter below zero; neither is shown as negative.
    long used = Math.max(0, counters.total(new CounterKey(quotaId, start)).used());
    BigDecimal usedValue = m.fromUnits(used);
    BigDecimal remaining = limit.subtract(usedValue).max(BigDecimal.ZERO);
    // Plain notation: 100, not 1E+2, when it is written as JSON.
    return new QuotaUsage(start, w.end(now), plain(usedValue), plain(remaining));
  }

  private static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
