package dev.aigateway.dataplane.quota;

import dev.aigateway.dataplane.error.GatewayError;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The 429 and the {@code x-ratelimit-*} headers, in the shapes OpenAI's clients understand. */
public final class RateLimits {
  public static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
  public static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  public static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

  private RateLimits() {}

  /**
   * OpenAI's rate-limit error: status 429 (which the SDKs map to their rate-limit exception),
   * {@code type} and {@code code} {@code rate_limit_exceeded}, and {@code retry-after} in whole
   * seconds.
   */
  public static GatewayError exceeded(QuotaRule rule, Instant now, Map<String, String> headers) {
    Duration wait = Duration.between(now, rule.window().end(now));
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("retry-after", Long.toString(seconds));
    String what =
        switch (rule.metric()) {
          case INPUT_TOKENS -> "input tokens";
          case OUTPUT_TOKENS -> "output tokens";
          case TOTAL_TOKENS -> "tokens";
          case COST_USD -> "spend (USD)";
        };
    String whom =
        switch (rule.scope()) {
          case KEY -> "this API key";
          case TEAM -> "this API key's team";
          case PROVIDER -> "this provider";
          case GLOBAL -> "the gateway";
        };
    String model = rule.model() == null ? "" : " for model '" + rule.model() + "'";
    String message =
        "Rate limit reached: the "
            + rule.window().wireName()
            + " quota on "
            + what
            + " of "
            + whom
            + model
            + " is used up (quota "
            + rule.id()
            + "). Please try again in "
            + seconds
            + "s.";
    return new GatewayError(429, "rate_limit_exceeded", "rate_limit_exceeded", null, message, all);
  }

  /** The {@code x-ratelimit-*-tokens} headers of the tightest token quota. */
  static Map<String, String> tokenHeaders(long limit, long remaining, Duration reset) {
    return Map.of(
        LIMIT_TOKENS,
        Long.toString(limit),
        REMAINING_TOKENS,
        Long.toString(Math.max(0, remaining)),
        RESET_TOKENS,
        duration(reset));
  }

  /** OpenAI's reset format: {@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 2h3m0s}. */
  static String duration(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = (ms + 999) / 1000;
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (h > 0) {
      return h + "h" + m + "m" + sec + "s";
    }
    if (m > 0) {
      return m + "m" + sec + "s";
    }
    return sec + "s";
  }
}
