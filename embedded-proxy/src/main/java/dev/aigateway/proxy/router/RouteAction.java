package dev.aigateway.proxy.router;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What a matched route does. */
public sealed interface RouteAction {

  /**
   * Forward to a cluster. {@code timeout} zero means no timeout.
   *
   * @param idleTimeout the route's idle_timeout, replacing the HCM's stream_idle_timeout once the
   *     route is chosen (zero: none), or null when the route does not set one
   * @param maxStreamDuration hard cap on the upstream exchange, zero when there is none
   * @param retryPolicy the route's (else the virtual host's) retry_policy, or null for none
   * @param autoHostRewrite the chosen endpoint's hostname becomes the host of each attempt
   * @param includeAttemptCount the virtual host's include_request_attempt_count: each attempt
   *     carries {@code x-envoy-attempt-count}
   */
  record Forward(
      String cluster,
      @Nullable String hostRewrite,
      @Nullable String prefixRewrite,
      Duration timeout,
      @Nullable Duration idleTimeout,
      Duration maxStreamDuration,
      @Nullable RetryPolicy retryPolicy,
      boolean autoHostRewrite,
      boolean includeAttemptCount)
      implements RouteAction {

    /**
     * A forward without retries.
     *
     * @param idleTimeout see the canonical constructor
     */
    public Forward(
        String cluster,
        @Nullable String hostRewrite,
        @Nullable String prefixRewrite,
        Duration timeout,
        @Nullable Duration idleTimeout,
        Duration maxStreamDuration) {
      this(
          cluster,
          hostRewrite,
          prefixRewrite,
          timeout,
          idleTimeout,
          maxStreamDuration,
          null,
          false,
          false);
    }

    public Forward(
        String cluster,
        @Nullable String hostRewrite,
        @Nullable String prefixRewrite,
        Duration timeout) {
      this(cluster, hostRewrite, prefixRewrite, timeout, null, Duration.ZERO);
    }
  }

  /** Answer directly, like Envoy's direct_response. */
  record Direct(int status, byte[] body) implements RouteAction {}

  /** A header to add, with Envoy's HeaderValueOption append action. */
  record HeaderToAdd(String name, String value, AppendAction action) {}

  /** Envoy's HeaderAppendAction. */
  enum AppendAction {
    APPEND_IF_EXISTS_OR_ADD,
    ADD_IF_ABSENT,
    OVERWRITE_IF_EXISTS_OR_ADD,
    OVERWRITE_IF_EXISTS
  }

  /** Applies a list of headers to add to a header list. */
  static void apply(List<HeaderToAdd> adds, dev.aigateway.proxy.http.HeaderList headers) {
    for (HeaderToAdd h : adds) {
      boolean present = headers.contains(h.name());
      switch (h.action()) {
        case APPEND_IF_EXISTS_OR_ADD -> headers.add(h.name(), h.value());
        case ADD_IF_ABSENT -> {
          if (!present) {
            headers.add(h.name(), h.value());
          }
        }
        case OVERWRITE_IF_EXISTS_OR_ADD -> headers.set(h.name(), h.value());
        case OVERWRITE_IF_EXISTS -> {
          if (present) {
            headers.set(h.name(), h.value());
          }
        }
      }
    }
  }
}
