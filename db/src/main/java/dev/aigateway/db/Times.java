package dev.aigateway.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/** Conversions between the {@code timestamptz} values jOOQ returns and {@link Instant}. */
public final class Times {
  private Times() {}

  public static @Nullable Instant instant(@Nullable OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  public static @Nullable OffsetDateTime utc(@Nullable Instant value) {
    return value == null ? null : value.atOffset(ZoneOffset.UTC);
  }

  /** The value to store as {@code updated_at}: now, in UTC. */
  public static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
