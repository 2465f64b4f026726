package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

/** One place a public model can be served from. */
public record ModelTarget(ProviderConfig provider, String upstreamModel, int weight, int priority) {
  public ModelTarget {
    requireNonNull(provider, "provider");
    requireNonNull(upstreamModel, "upstreamModel");
  }
}
