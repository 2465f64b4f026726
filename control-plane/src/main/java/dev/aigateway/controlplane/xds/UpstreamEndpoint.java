package dev.aigateway.controlplane.xds;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Host, port and transport of a provider, parsed from its base URL.
 *
 * @param tls true for {@code https}
 */
record UpstreamEndpoint(String host, int port, boolean tls) {

  /**
   * Parses {@code scheme://host[:port][/path-prefix]}.
   *
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL with a host
   */
  static UpstreamEndpoint parse(String baseUrl) {
    URI uri;
    try {
      uri = new URI(baseUrl);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("base URL is not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls =
        switch (scheme) {
          case "https" -> true;
          case "http" -> false;
          default ->
              throw new IllegalArgumentException(
                  "base URL scheme: " + scheme + " (expected: http or https)");
        };
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("base URL has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    return new UpstreamEndpoint(host.toLowerCase(Locale.ROOT), port, tls);
  }

  /**
   * The {@code host} header exactly as Envoy sends it after {@code host_rewrite_literal}: a
   * non-default port stays (Envoy sends the literal as given), and the SigV4 signature must cover
   * this same value.
   */
  String hostHeader() {
    String name = host.contains(":") ? "[" + host + "]" : host;
    boolean defaultPort = tls ? port == 443 : port == 80;
    return defaultPort ? name : name + ":" + port;
  }

  /** True when the host is an IP literal, which needs no DNS resolution. */
  static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}
