package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.usage.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * A translated response body or chunk.
 *
 * @param body the bytes to send instead, or null to pass the original unchanged
 * @param usage usage seen in this body or chunk, or null when it carried none
 */
public record BodyResult(byte @Nullable [] body, @Nullable TokenUsage usage) {
  public static final BodyResult UNCHANGED = new BodyResult(null, null);
}
