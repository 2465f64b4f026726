package dev.aigateway.dataplane.admission;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A provider quota used up for its current window: the provider's targets are to be skipped until
 * {@code until}.
 *
 * @param model the public model the used-up quota is limited to (only that model's targets are
 *     skipped), or null when it counts every model
 */
public record ProviderExhaustion(Instant until, @Nullable String model) {
  public ProviderExhaustion {
    requireNonNull(until, "until");
  }
}
