package dev.aigateway.vocabulary.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaWindowTest {

  @Test
  void minuteWindowEndsExactlyAtTheNextMinute() {
    Instant t = Instant.parse("2026-11-25T14:59:59.999Z");
    assertThat(QuotaWindow.MINUTE.start(t)).isEqualTo(Instant.parse("2026-11-25T14:59:00Z"));
    assertThat(QuotaWindow.MINUTE.end(t)).isEqualTo(Instant.parse("2026-11-25T15:00:00Z"));
    assertThat(QuotaWindow.MINUTE.start(Instant.parse("2026-11-25T15:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-25T15:00:00Z"));
  }

  @Test
  void dayWindowIsTheUtcCalendarDay() {
    Instant t = Instant.parse("2026-12-31T23:59:59Z");
    assertThat(QuotaWindow.DAY.start(t)).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
    assertThat(QuotaWindow.DAY.end(t)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(QuotaWindow.HOUR.end(t)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
  }

  @Test
  void monthWindowFollowsMonthLengthsAndLeapYears() {
    assertThat(QuotaWindow.MONTH.end(Instant.parse("2028-02-10T00:00:00Z")))
        .isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
    assertThat(QuotaWindow.MONTH.start(Instant.parse("2028-02-29T23:59:59Z")))
        .isEqualTo(Instant.parse("2028-02-01T00:00:00Z"));
    assertThat(QuotaWindow.MONTH.start(Instant.parse("2028-03-01T00:00:00Z")))
        .isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
    assertThat(QuotaWindow.MONTH.end(Instant.parse("2027-02-28T12:00:00Z")))
        .isEqualTo(Instant.parse("2027-03-01T00:00:00Z"));
    assertThat(QuotaWindow.MONTH.end(Instant.parse("2026-04-30T23:59:59Z")))
        .isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
    assertThat(QuotaWindow.MONTH.end(Instant.parse("2026-12-15T00:00:00Z")))
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
  }

  @Test
  void unknownNamesAreRefusedWithTheExpectedValues() {
    assertThatThrownBy(() -> QuotaWindow.of("week")).hasMessageContaining("expected: minute");
    assertThatThrownBy(() -> QuotaMetric.of("requests")).hasMessageContaining("cost_usd");
  }

  @Test
  void costLimitsAreCountedInNanoDollars() {
    assertThat(QuotaMetric.COST_USD.toUnits(new BigDecimal("0.01"))).isEqualTo(10_000_000L);
    assertThat(QuotaMetric.COST_USD.fromUnits(10_000_000L)).isEqualByComparingTo("0.01");
    assertThat(QuotaMetric.TOTAL_TOKENS.toUnits(new BigDecimal("1000"))).isEqualTo(1000L);
  }
}
