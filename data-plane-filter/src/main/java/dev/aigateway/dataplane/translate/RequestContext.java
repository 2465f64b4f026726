package dev.aigateway.dataplane.translate;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;

/** What a translator knows about the request it serves. */
public record RequestContext(ProviderConfig provider, String publicModel, String upstreamModel) {
  public RequestContext {
    requireNonNull(provider, "provider");
    requireNonNull(publicModel, "publicModel");
    requireNonNull(upstreamModel, "upstreamModel");
  }
}
