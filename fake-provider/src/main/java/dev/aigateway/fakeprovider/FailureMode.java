package dev.aigateway.fakeprovider;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How the fake provider fails the requests a rule selects ({@link FakeProvider#failModel}), to test
 * failover: an error status in the schema's shape (503, 429 with {@code retry-after}, Anthropic's
 * 529 "overloaded"), a connection closed before any response, or an answer that comes too late for
 * a per-attempt timeout.
 */
public sealed interface FailureMode {

  /** Answers {@code status} in the schema's error shape, with {@code retry-after} when given. */
  record Status(int status, @Nullable Duration retryAfter) implements FailureMode {
    public Status {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
      }
    }
  }

  /** Closes the connection without a response (Envoy sees a reset before headers). */
  record Reset() implements FailureMode {}

  /** Answers normally, but only after {@code delay}. */
  record Slow(Duration delay) implements FailureMode {
    public Slow {
      requireNonNull(delay, "delay");
    }
  }

  static FailureMode status(int status) {
    return new Status(status, null);
  }

  static FailureMode tooManyRequests(Duration retryAfter) {
    return new Status(429, retryAfter);
  }
}
