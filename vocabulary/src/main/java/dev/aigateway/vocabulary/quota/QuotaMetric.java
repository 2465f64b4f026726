package dev.aigateway.vocabulary.quota;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a quota counts. Counters hold whole units: tokens, or nano-USD for {@code cost_usd} (a token
 * of the cheapest models costs about a hundred nano-USD, so nothing rounds away).
 */
public enum QuotaMetric {
  INPUT_TOKENS,
  OUTPUT_TOKENS,
  TOTAL_TOKENS,
  COST_USD;

  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

  /** Parses the stored name. */
  public static QuotaMetric of(String name) {
    return switch (name) {
      case "input_tokens" -> INPUT_TOKENS;
      case "output_tokens" -> OUTPUT_TOKENS;
      case "total_tokens" -> TOTAL_TOKENS;
      case "cost_usd" -> COST_USD;
      default ->
          throw new IllegalArgumentException(
              "metric: "
                  + name
                  + " (expected: input_tokens, output_tokens, total_tokens or cost_usd)");
    };
  }

  /** The stored and API name ({@code input_tokens}, ..., {@code cost_usd}). */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Every stored name, in declaration order (what the admin API accepts). */
  public static java.util.List<String> wireNames() {
    return java.util.Arrays.stream(values()).map(QuotaMetric::wireName).toList();
  }

  public boolean isTokens() {
    return this != COST_USD;
  }

  /** A stored limit (tokens or USD) in counter units, rounded down. */
  public long toUnits(BigDecimal limit) {
    BigDecimal units = this == COST_USD ? limit.multiply(NANOS_PER_USD) : limit;
    return units.setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  /** Counter units back in the API's unit (tokens, or USD). */
  public BigDecimal fromUnits(long units) {
    return this == COST_USD
        ? BigDecimal.valueOf(units).divide(NANOS_PER_USD).stripTrailingZeros()
        : BigDecimal.valueOf(units);
  }
}
