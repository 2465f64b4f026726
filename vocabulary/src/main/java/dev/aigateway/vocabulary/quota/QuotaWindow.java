package dev.aigateway.vocabulary.quota;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * A quota's calendar-aligned UTC window. A window is identified by its start, so counters roll over
 * exactly at the boundary without any reset job: the next request simply lands in a new row.
 */
public enum QuotaWindow {
  MINUTE,
  HOUR,
  DAY,
  MONTH;

  /** Parses the stored name ({@code minute}, {@code hour}, {@code day}, {@code month}). */
  public static QuotaWindow of(String name) {
    return switch (name) {
      case "minute" -> MINUTE;
      case "hour" -> HOUR;
      case "day" -> DAY;
      case "month" -> MONTH;
      default ->
          throw new IllegalArgumentException(
              "window: " + name + " (expected: minute, hour, day or month)");
    };
  }

  /** The stored name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every stored name, in declaration order (what the admin API accepts). */
  public static java.util.List<String> wireNames() {
    return java.util.Arrays.stream(values()).map(QuotaWindow::wireName).toList();
  }

  /** The start of the window that contains {@code t}. */
  public Instant start(Instant t) {
    return switch (this) {
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES);
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
      case DAY -> t.truncatedTo(ChronoUnit.DAYS);
      case MONTH -> {
        LocalDate d = LocalDate.ofInstant(t, ZoneOffset.UTC).withDayOfMonth(1);
        yield d.atStartOfDay().toInstant(ZoneOffset.UTC);
      }
    };
  }

  /** The end (exclusive) of the window that contains {@code t}: the next window's start. */
  public Instant end(Instant t) {
    Instant start = start(t);
    return switch (this) {
      case MINUTE -> start.plus(1, ChronoUnit.MINUTES);
      case HOUR -> start.plus(1, ChronoUnit.HOURS);
      case DAY -> start.plus(1, ChronoUnit.DAYS);
      // LocalDateTime knows month lengths and leap years.
      case MONTH ->
          LocalDateTime.ofInstant(start, ZoneOffset.UTC).plusMonths(1).toInstant(ZoneOffset.UTC);
    };
  }
}
