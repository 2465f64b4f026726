package dev.aigateway.dataplane.credential.provider;

import java.net.URI;
import java.util.Locale;

/**
 * The {@code host} header Envoy sends to a provider, computed from its base URL by the same rule as
 * the control plane's route {@code host_rewrite_literal} (UpstreamEndpoint.hostHeader): lower-case
 * host, IPv6 in brackets, the port only when it is not the scheme's default, no user info. A SigV4
 * signature covers the host header, so it must be built from exactly this value.
 */
final class EnvoyHost {
  private EnvoyHost() {}

  static String of(URI baseUrl) {
    String host = baseUrl.getHost().toLowerCase(Locale.ROOT);
    boolean tls = "https".equalsIgnoreCase(baseUrl.getScheme());
    int port = baseUrl.getPort();
    boolean defaultPort = port < 0 || (tls ? port == 443 : port == 80);
    return defaultPort ? host : host + ":" + port;
  }

  /** The URL a signer sees: scheme, Envoy's host header, and the upstream path. */
  static URI signedUrl(URI baseUrl, String path) {
    return URI.create(baseUrl.getScheme().toLowerCase(Locale.ROOT) + "://" + of(baseUrl) + path);
  }
}
