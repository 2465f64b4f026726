package dev.aigateway.dataplane.processor;

import dev.aigateway.dataplane.cooldown.CooldownNotice;
import dev.aigateway.dataplane.cooldown.CooldownPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Targets set aside because their provider said when to come back (a 429, 503 or Anthropic 529 with
 * {@code retry-after}): until then an attempt on them is answered locally, without a provider call
 * (failover contract item 5). In memory, per replica; each new or lengthened cooldown is also
 * handed to {@code publisher} (without waiting), which stores it for the control plane: it
 * publishes the target's endpoint as DEGRADED, so Envoy sends the next requests to the other
 * targets without trying this one (issue 19, quota-aware skip).
 */
final class Cooldowns {
  /** A provider cannot bench its target for longer than this, whatever it answers. */
  static final Duration MAX = Duration.ofMinutes(10);

  /** How long one publication of a used-up provider quota sets its targets aside at most. */
  static final Duration QUOTA_HOLD = Duration.ofMinutes(5);

  /** Why and until when a target is set aside. */
  record Cooldown(Instant until, int status) {}

  /** A later retry-after within this of the stored end is not published again. */
  private static final Duration REPUBLISH_STEP = Duration.ofSeconds(1);

  private final Map<String, Cooldown> byTarget = new ConcurrentHashMap<>();

  /** The end of the quota cooldown last published per target (one notice per window). */
  private final Map<String, Instant> quotaPublished = new ConcurrentHashMap<>();

  private final Clock clock;
  private final CooldownPublisher publisher;

  Cooldowns(Clock clock) {
    this(clock, CooldownPublisher.NONE);
  }

  Cooldowns(Clock clock, CooldownPublisher publisher) {
    this.clock = clock;
    this.publisher = publisher;
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
    Cooldown next = new Cooldown(clock.instant().plus(wait), status);
    Cooldown before = byTarget.put(target, next);
    // One notice per cooldown heard, not one per refused attempt while the push is on its way.
    if (before == null
        || before.until().plus(REPUBLISH_STEP).isBefore(next.until())
        || !before.until().isAfter(clock.instant())) {
      publisher.publish(new CooldownNotice(target, next.until(), status));
    }
  }

  /**
   * Publishes that {@code targets} are set aside because their provider's quota is used up until
   * {@code until}, for at most {@link #QUOTA_HOLD} at a time: a stored cooldown cannot be lifted,
   * so a quota raised or deleted by an operator takes effect within the hold, not at the end of a
   * month-long window. While the quota stays used up, the next check after the hold (a charge, or
   * the next attempt on the provider) publishes again. Nothing is kept locally: the attempt point
   * answers a single-target model from the quota itself, and the control plane's DEGRADED endpoints
   * steer Envoy away from the others.
   */
  void quotaUsedUp(List<String> targets, Instant windowEnd) {
    Instant now = clock.instant();
    Instant hold = now.plus(QUOTA_HOLD);
    Instant until = windowEnd.isBefore(hold) ? windowEnd : hold;
    quotaPublished.values().removeIf(end -> !end.isAfter(now));
    for (String target : targets) {
      // Once per hold: while a publication runs, later checks add nothing.
      if (quotaPublished.putIfAbsent(target, until) == null) {
        publisher.publish(new CooldownNotice(target, until, 429));
      }
    }
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
