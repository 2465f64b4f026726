package dev.aigateway.dataplane.processor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Targets set aside because their provider said when to come back (a 429, 503 or Anthropic 529 with
 * {@code retry-after}): until then an attempt on them is answered locally, without a provider call
 * (failover contract item 5). In memory, per replica: another replica learns it from its own first
 * refused attempt, and Envoy's outlier detection sets failing targets aside fleet-wide anyway.
 */
final class Cooldowns {
  /** A provider cannot bench its target for longer than this, whatever it answers. */
  static final Duration MAX = Duration.ofMinutes(10);

  /** Why and until when a target is set aside. */
  record Cooldown(Instant until, int status) {}

  private final Map<String, Cooldown> byTarget = new ConcurrentHashMap<>();
  private final Clock clock;

  Cooldowns(Clock clock) {
    this.clock = clock;
  }

  /** The cooldown in force for {@code target}, or null. */
  @Nullable Cooldown active(String target) {
    Cooldown c = byTarget.get(target);
    if (c == null) {
      return null;
    }
    if (!c.until().isAfter(clock.instant())) {
      byTarget.remove(target, c);
      return null;
    }
    return c;
  }

  /** Seconds left (rounded up) of a cooldown, for the {@code retry-after} of a skipped attempt. */
  long secondsLeft(Cooldown c) {
    long millis = Duration.between(clock.instant(), c.until()).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  /**
   * Sets {@code target} aside if its provider answered {@code status} with a {@code retry-after}.
   */
  void observe(String target, int status, @Nullable String retryAfter) {
    if (retryAfter == null || !(status == 429 || status == 503 || status == 529)) {
      return;
    }
    Duration wait = parse(retryAfter.trim(), clock.instant());
    if (wait == null || wait.isZero() || wait.isNegative()) {
      return;
    }
    if (wait.compareTo(MAX) > 0) {
      wait = MAX;
    }
    byTarget.put(target, new Cooldown(clock.instant().plus(wait), status));
  }

  /** Delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); null when neither. */
  static @Nullable Duration parse(String value, Instant now) {
    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
      return value.length() > 9 ? MAX : Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Duration.between(now, at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
