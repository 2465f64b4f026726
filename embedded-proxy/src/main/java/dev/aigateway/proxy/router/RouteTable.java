package dev.aigateway.proxy.router;

import dev.aigateway.proxy.http.HeaderList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A RouteConfiguration: virtual hosts chosen by :authority, then the first matching route. */
public record RouteTable(String name, List<VirtualHost> virtualHosts) {

  /** A virtual host with its domains (exact, "*", "*.suffix" or "prefix*"). */
  public record VirtualHost(String name, List<String> domains, List<Route> routes) {}

  /** Returns the first route matching the request headers, or null (Envoy then answers 404). */
  public @Nullable Route match(HeaderList headers) {
    VirtualHost vh = selectHost(headers.get(":authority"));
    if (vh == null) {
      return null;
    }
    String p = headers.get(":path");
    String pathOnly = p == null ? "/" : p;
    int q = pathOnly.indexOf('?');
    if (q >= 0) {
      pathOnly = pathOnly.substring(0, q);
    }
    for (Route r : vh.routes()) {
      if (r.matches(pathOnly, headers)) {
        return r;
      }
    }
    return null;
  }

  private @Nullable VirtualHost selectHost(@Nullable String authority) {
    // Like Envoy without strip_any_host_port: the port, if sent, is part of the matched host.
    return find(authority == null ? "" : authority.toLowerCase(Locale.ROOT));
  }

  private @Nullable VirtualHost find(String host) {
    VirtualHost wildcard = null;
    VirtualHost bestSuffix = null;
    int bestSuffixLen = -1;
    VirtualHost bestPrefix = null;
    int bestPrefixLen = -1;
    for (VirtualHost vh : virtualHosts) {
      for (String d : vh.domains()) {
        String dl = d.toLowerCase(Locale.ROOT);
        if (dl.equals("*")) {
          if (wildcard == null) {
            wildcard = vh;
          }
        } else if (dl.startsWith("*")) {
          String suffix = dl.substring(1);
          if (host.endsWith(suffix)
              && host.length() > suffix.length()
              && suffix.length() > bestSuffixLen) {
            bestSuffix = vh;
            bestSuffixLen = suffix.length();
          }
        } else if (dl.endsWith("*")) {
          String prefix = dl.substring(0, dl.length() - 1);
          if (host.startsWith(prefix)
              && host.length() > prefix.length()
              && prefix.length() > bestPrefixLen) {
            bestPrefix = vh;
            bestPrefixLen = prefix.length();
          }
        } else if (dl.equals(host)) {
          return vh;
        }
      }
    }
    if (bestSuffix != null) {
      return bestSuffix;
    }
    return bestPrefix != null ? bestPrefix : wildcard;
  }
}
