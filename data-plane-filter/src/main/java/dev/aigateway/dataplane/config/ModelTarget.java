package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One place a public model can be served from.
 *
 * @param id the stable target id the endpoint metadata carries (what cooldowns key on); null when
 *     the source does not know it
 */
public record ModelTarget(
    ProviderConfig provider, String upstreamModel, int weight, int priority, @Nullable String id) {
  public ModelTarget {
    requireNonNull(provider, "provider");
    requireNonNull(upstreamModel, "upstreamModel");
  }

  /** A target without a known id. */
  public ModelTarget(ProviderConfig provider, String upstreamModel, int weight, int priority) {
    this(provider, upstreamModel, weight, priority, null);
  }
}
