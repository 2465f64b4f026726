package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One credential's bearer token, fetched by its library once and then refreshed in the background
 * ahead of expiry, so requests take the cached value and only the very first one (or one after a
 * long outage) waits for the token endpoint.
 */
final class RefreshingToken {
  private static final Logger log = LoggerFactory.getLogger(RefreshingToken.class);

  /** Refresh this long before expiry, or at half the lifetime for short-lived tokens. */
  static final Duration MARGIN = Duration.ofMinutes(5);

  /**
   * A token valid this much longer lets a request stay on the event loop; the background refresh
   * renews tokens well before (MARGIN), so this is only ever reached when refreshes fail.
   */
  static final Duration READY_MARGIN = Duration.ofSeconds(60);

  /** Retry a failed background refresh this often while the old token is still valid. */
  static final Duration RETRY = Duration.ofSeconds(10);

  record Token(String value, Instant expiresAt) {
    Token {
      requireNonNull(value, "value");
      requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "Token[expiresAt=" + expiresAt + "]";
    }
  }

  /** Asks the provider's library for a new token; its exceptions' messages are never logged. */
  @FunctionalInterface
  interface Source {
    Token fetch() throws Exception;
  }

  private final String description;
  private final Source source;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  /** After a failed fetch, requests fail at once for this long instead of each waiting again. */
  static final Duration FAILURE_HOLD = Duration.ofSeconds(5);

  private volatile @Nullable Token current;
  private @Nullable Instant failedAt;
  private @Nullable CredentialException failure;
  private @Nullable ScheduledFuture<?> next;
  private boolean closed;

  /**
   * @param description names the provider and kind for error messages, never a secret
   */
  RefreshingToken(
      String description, Source source, ScheduledExecutorService scheduler, Clock clock) {
    this.description = requireNonNull(description, "description");
    this.source = requireNonNull(source, "source");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Whether a cached token stays valid for {@code margin} at least: then {@link #get} is instant.
   */
  boolean validFor(Duration margin) {
    Token token = current;
    return token != null && clock.instant().plus(margin).isBefore(token.expiresAt());
  }

  /** A token valid now: the cached one, or a new one when none is valid (this blocks). */
  String get() throws CredentialException {
    Token token = current;
    if (token != null && clock.instant().isBefore(token.expiresAt())) {
      return token.value();
    }
    synchronized (this) {
      token = current;
      if (token != null && clock.instant().isBefore(token.expiresAt())) {
        return token.value();
      }
      Instant now = clock.instant();
      if (failure != null && failedAt != null && now.isBefore(failedAt.plus(FAILURE_HOLD))) {
        throw new CredentialException(failure.getMessage(), failure.getCause());
      }
      try {
        token = source.fetch();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failedAt = now;
        failure = new CredentialException("Getting a token for " + description + " failed.", e);
        throw failure;
      }
      failure = null;
      install(token);
      return token.value();
    }
  }

  /** Stops the background refresh. */
  synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  private synchronized void install(Token token) {
    current = token;
    Instant now = clock.instant();
    Duration lifetime = Duration.between(now, token.expiresAt());
    Duration margin = lifetime.dividedBy(2).compareTo(MARGIN) < 0 ? lifetime.dividedBy(2) : MARGIN;
    schedule(lifetime.minus(margin));
  }

  private synchronized void schedule(Duration delay) {
    if (closed) {
      return;
    }
    long millis = Math.max(1_000, delay.toMillis());
    next = scheduler.schedule(this::refresh, millis, TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    try {
      install(source.fetch());
    } catch (Exception e) {
      Token old = current;
      // Requests keep the old token while it lasts; after that they fetch (and fail) themselves.
      log.warn(
          "background refresh of the token for {} failed ({}); retrying",
          description,
          e.getClass().getName());
      if (old != null && clock.instant().plus(RETRY).isBefore(old.expiresAt())) {
        schedule(RETRY);
      }
    }
  }
}
