package dev.aigateway.dataplane.quota;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.jspecify.annotations.Nullable;

/**
 * A model's prices in USD per million tokens; a null price is unknown and costs nothing. Cached
 * input tokens use the cached price when the model has one, else the input price.
 */
public record Prices(
    @Nullable BigDecimal inputPerMillion,
    @Nullable BigDecimal outputPerMillion,
    @Nullable BigDecimal cachedInputPerMillion) {

  public static final Prices UNKNOWN = new Prices(null, null, null);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  /** The cost in USD (scale 10, rounded up). */
  public BigDecimal costUsd(long inputTokens, long outputTokens, long cachedInputTokens) {
    return perMillionSum(inputTokens, outputTokens, cachedInputTokens)
        .divide(MILLION, 10, RoundingMode.CEILING);
  }

  /**
   * The cost in nano-USD (the unit of {@code cost_usd} counters), rounded up; a cost beyond {@code
   * long} (9.2 billion USD) is {@link Long#MAX_VALUE}, over any limit, never an error.
   */
  public long costNanos(long inputTokens, long outputTokens, long cachedInputTokens) {
    // tokens * USD-per-million * 1e9 / 1e6 = tokens * price * 1000
    BigDecimal nanos =
        perMillionSum(inputTokens, outputTokens, cachedInputTokens)
            .multiply(THOUSAND)
            .setScale(0, RoundingMode.CEILING);
    return nanos.compareTo(MAX_LONG) >= 0 ? Long.MAX_VALUE : nanos.longValueExact();
  }

  private BigDecimal perMillionSum(long input, long output, long cached) {
    long cachedPart = Math.min(Math.max(cached, 0), Math.max(input, 0));
    BigDecimal sum = BigDecimal.ZERO;
    sum = sum.add(times(input - cachedPart, inputPerMillion));
    sum =
        sum.add(
            times(
                cachedPart,
                cachedInputPerMillion != null ? cachedInputPerMillion : inputPerMillion));
    sum = sum.add(times(output, outputPerMillion));
    return sum;
  }

  private static BigDecimal times(long tokens, @Nullable BigDecimal price) {
    return price == null || tokens <= 0
        ? BigDecimal.ZERO
        : price.multiply(BigDecimal.valueOf(tokens));
  }
}
