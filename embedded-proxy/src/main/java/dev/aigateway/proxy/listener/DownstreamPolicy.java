package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.http.HeaderList;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the HttpConnectionManager and router do to headers on their own: who counts as internal,
 * which {@code x-envoy-*} headers an external client loses, the {@code server} header, and the
 * stream idle timer.
 *
 * @param useRemoteAddress HCM use_remote_address: the peer address decides (else the last XFF hop)
 * @param xffNumTrustedHops HCM xff_num_trusted_hops
 * @param internalCidrs HCM internal_address_config.cidr_ranges as "address/prefix", or null when
 *     the listener has no internal_address_config (Envoy then treats RFC 1918 and loopback
 *     addresses as internal)
 * @param suppressEnvoyHeaders router suppress_envoy_headers
 * @param serverHeader HCM server_header_transformation
 * @param serverName HCM server_name (default "envoy")
 * @param streamIdleTimeout HCM stream_idle_timeout (default 5 minutes; zero: off)
 * @param requestIdInResponse HCM always_set_request_id_in_response: the response carries the
 *     request's {@code x-request-id}
 */
public record DownstreamPolicy(
    boolean useRemoteAddress,
    int xffNumTrustedHops,
    @Nullable List<String> internalCidrs,
    boolean suppressEnvoyHeaders,
    ServerHeader serverHeader,
    String serverName,
    Duration streamIdleTimeout,
    boolean requestIdInResponse) {

  /** HCM server_header_transformation. */
  public enum ServerHeader {
    OVERWRITE,
    APPEND_IF_ABSENT,
    PASS_THROUGH
  }

  /** Envoy's defaults, for listeners that set none of these. */
  public static final DownstreamPolicy ENVOY_DEFAULTS =
      new DownstreamPolicy(
          false, 0, null, false, ServerHeader.OVERWRITE, "envoy", Duration.ofMinutes(5), false);

  /**
   * Request headers that Envoy removes from an external request before any filter sees them
   * (conn_manager_utility.cc cleanInternalHeaders / mutateRequestHeaders): the ones that drive the
   * router's retries and timeouts and those that claim internal origin.
   */
  static final List<String> INTERNAL_ONLY_REQUEST_HEADERS =
      List.of(
          "x-envoy-decorator-operation",
          "x-envoy-downstream-service-cluster",
          "x-envoy-downstream-service-node",
          "x-envoy-expected-rq-timeout-ms",
          "x-envoy-external-address",
          "x-envoy-force-trace",
          "x-envoy-hedge-on-per-try-timeout",
          "x-envoy-internal",
          "x-envoy-ip-tags",
          "x-envoy-max-retries",
          "x-envoy-retry-grpc-on",
          "x-envoy-retry-on",
          "x-envoy-retriable-header-names",
          "x-envoy-retriable-status-codes",
          "x-envoy-upstream-alt-stat-name",
          "x-envoy-upstream-rq-per-try-timeout-ms",
          "x-envoy-upstream-rq-timeout-alt-response",
          "x-envoy-upstream-rq-timeout-ms",
          "x-envoy-original-path");

  private static final List<String> DEFAULT_INTERNAL =
      List.of(
          "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7");

  /**
   * Applies the HCM's request header mutations for a request from {@code peer}, returning whether
   * the request counts as internal.
   */
  boolean mutateRequest(HeaderList headers, String peer, boolean generateRequestId) {
    String trusted;
    if (useRemoteAddress) {
      String xff = headers.get("x-forwarded-for");
      trusted = xffNumTrustedHops == 0 ? peer : hop(xff, xffNumTrustedHops - 1);
      headers.set("x-forwarded-for", xff == null || xff.isBlank() ? peer : xff + "," + peer);
    } else {
      // The last XFF hop, as Envoy takes it when it does not use the remote address.
      trusted = hop(headers.get("x-forwarded-for"), xffNumTrustedHops);
    }
    boolean internal = trusted != null && isInternal(trusted);
    if (!internal) {
      for (String name : INTERNAL_ONLY_REQUEST_HEADERS) {
        headers.remove(name);
      }
      if (trusted != null && useRemoteAddress) {
        headers.set("x-envoy-external-address", trusted);
      }
      if (generateRequestId) {
        // An external client does not choose the request id (preserve_external_request_id off).
        headers.set("x-request-id", UUID.randomUUID().toString());
      }
    } else {
      headers.set("x-envoy-internal", "true");
    }
    return internal;
  }

  /**
   * The response header mutations the HCM makes after every filter (conn_manager_impl.cc,
   * conn_manager_utility.cc mutateResponseHeaders); {@code requestId} is the request's {@code
   * x-request-id}, if it had one.
   */
  void mutateResponse(HeaderList headers, @Nullable String requestId) {
    if (requestIdInResponse && requestId != null) {
      // UUIDRequestIDExtension::setInResponse: the request's id, replacing any from upstream.
      headers.set("x-request-id", requestId);
    }
    switch (serverHeader) {
      case OVERWRITE -> headers.set("server", serverName);
      case APPEND_IF_ABSENT -> {
        if (!headers.contains("server")) {
          headers.add("server", serverName);
        }
      }
      case PASS_THROUGH -> {}
    }
  }

  /** The n-th address from the right of an XFF list, or null. */
  private static @Nullable String hop(@Nullable String xff, int fromRight) {
    if (xff == null || xff.isBlank()) {
      return null;
    }
    String[] parts = xff.split(",");
    int i = parts.length - 1 - fromRight;
    return i < 0 ? null : parts[i].trim();
  }

  private boolean isInternal(String address) {
    // As Envoy's InternalAddressConfig (http_connection_manager/config.h): an empty
    // cidr_ranges falls back to the RFC 1918 check, like no config at all.
    List<String> cidrs =
        internalCidrs == null || internalCidrs.isEmpty() ? DEFAULT_INTERNAL : internalCidrs;
    for (String cidr : cidrs) {
      if (inCidr(address, cidr)) {
        return true;
      }
    }
    return false;
  }

  static boolean inCidr(String address, String cidr) {
    int slash = cidr.indexOf('/');
    try {
      byte[] a = literal(address);
      byte[] net = literal(cidr.substring(0, slash));
      if (a == null || net == null || a.length != net.length) {
        return false;
      }
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (net[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The bytes of an IP literal; null for anything that is not one (never a DNS lookup). */
  private static byte @Nullable [] literal(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (!t.matches("[0-9a-f:.]+")) {
      return null;
    }
    try {
      return InetAddress.getByName(t).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Validates CIDR strings the way Envoy's config would refuse bad ones. */
  public static List<String> cidrs(List<String> addressesWithPrefix) {
    List<String> out = new ArrayList<>();
    for (String c : addressesWithPrefix) {
      if (c.indexOf('/') < 0 || literal(c.substring(0, c.indexOf('/'))) == null) {
        throw new IllegalArgumentException("invalid CIDR range " + c);
      }
      out.add(c);
    }
    return List.copyOf(out);
  }
}
