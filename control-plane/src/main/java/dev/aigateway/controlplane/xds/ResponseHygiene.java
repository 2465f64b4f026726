package dev.aigateway.controlplane.xds;

import java.util.List;

/**
 * Provider response headers that must never reach a client: they describe the shared provider
 * account (organization, project, its rate limits), set provider cookies, or expose the proxy.
 * Envoy removes them as the upstream headers arrive (route_components.proto:
 * response_headers_to_remove, applied by the router before the encoder filters), so the ext_proc
 * can still add the gateway's own {@code x-ratelimit-*} afterwards. Names are exact in Envoy; the
 * ext_proc also removes any other header with these prefixes.
 */
final class ResponseHygiene {
  static final List<String> REMOVED =
      List.of(
          "openai-organization",
          "openai-project",
          "openai-processing-ms",
          "openai-version",
          "set-cookie",
          "x-ratelimit-limit-requests",
          "x-ratelimit-limit-tokens",
          "x-ratelimit-remaining-requests",
          "x-ratelimit-remaining-tokens",
          "x-ratelimit-reset-requests",
          "x-ratelimit-reset-tokens",
          "anthropic-organization-id",
          "anthropic-ratelimit-requests-limit",
          "anthropic-ratelimit-requests-remaining",
          "anthropic-ratelimit-requests-reset",
          "anthropic-ratelimit-tokens-limit",
          "anthropic-ratelimit-tokens-remaining",
          "anthropic-ratelimit-tokens-reset",
          "anthropic-ratelimit-input-tokens-limit",
          "anthropic-ratelimit-input-tokens-remaining",
          "anthropic-ratelimit-input-tokens-reset",
          "anthropic-ratelimit-output-tokens-limit",
          "anthropic-ratelimit-output-tokens-remaining",
          "anthropic-ratelimit-output-tokens-reset",
          "cf-ray",
          "cf-cache-status",
          "alt-svc",
          "server",
          "via",
          "x-envoy-upstream-service-time");

  private ResponseHygiene() {}
}
