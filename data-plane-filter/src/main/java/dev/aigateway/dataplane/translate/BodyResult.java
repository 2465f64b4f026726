package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.usage.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * A translated response body or chunk.
 *
 * @param body the bytes to send instead, or null to pass the original unchanged
 * @param usage usage seen in this body or chunk, or null when it carried none
 * @param error for a buffered body only: the upstream answered 2xx with something that is not a
 *     valid answer, so the client gets this error, with its status, instead (a body mutation alone
 *     would keep the upstream's 200)
 */
public record BodyResult(
    byte @Nullable [] body, @Nullable TokenUsage usage, @Nullable GatewayError error) {
  public static final BodyResult UNCHANGED = new BodyResult(null, null, null);

  public BodyResult(byte @Nullable [] body, @Nullable TokenUsage usage) {
    this(body, usage, null);
  }

  /** A buffered 2xx answer that must reach the client as this error, status included. */
  public static BodyResult failed(GatewayError error) {
    return new BodyResult(error.body(), null, error);
  }
}
