package dev.aigateway.dataplane.translate;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;
import java.util.Map;

/**
 * What a translator knows about the request it serves.
 *
 * @param clientHeaders the client's request headers (names lower-case); translators read only the
 *     ones their API defines (for example {@code anthropic-version}) and never log them
 */
public record RequestContext(
    ProviderConfig provider,
    String publicModel,
    String upstreamModel,
    Map<String, String> clientHeaders) {
  public RequestContext {
    requireNonNull(provider, "provider");
    requireNonNull(publicModel, "publicModel");
    requireNonNull(upstreamModel, "upstreamModel");
    clientHeaders = Map.copyOf(clientHeaders);
  }

  public RequestContext(ProviderConfig provider, String publicModel, String upstreamModel) {
    this(provider, publicModel, upstreamModel, Map.of());
  }
}
