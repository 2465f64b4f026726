package dev.aigateway.controlplane.admin.provider;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a provider's base URL may point at (the gateway sends stored credentials there,
 * and test-connection makes the control plane itself call it). Cloud metadata endpoints, link-local
 * and unspecified, multicast or broadcast addresses are always refused; private, loopback,
 * carrier-grade NAT and unique-local addresses (the gateway's own admin port, internal services)
 * only with the operator's {@code --allow-private-upstreams}. A host name is checked by every
 * address it resolves to now; one that does not resolve from the control plane is let through
 * (Envoys may see other DNS), which is the known limit of a check at write time.
 */
public final class UpstreamAddressPolicy {
  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "metadata.azure.internal", "instance-data");

  /** Looks up a host's addresses (the system resolver; tests give their own DNS). */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final boolean allowPrivate;
  private final Resolver resolver;

  public UpstreamAddressPolicy(boolean allowPrivate) {
    this(allowPrivate, InetAddress::getAllByName);
  }

  public UpstreamAddressPolicy(boolean allowPrivate, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = java.util.Objects.requireNonNull(resolver, "resolver");
  }

  /**
   * The addresses no operator setting allows (metadata, link-local, unspecified, multicast,
   * broadcast), checked again where the config is built: a name that passed at write time may
   * resolve to one of them later (DNS rebinding, a lapsed domain).
   */
  public static UpstreamAddressPolicy neverAllowed(Resolver resolver) {
    return new UpstreamAddressPolicy(true, resolver);
  }

  /** Why {@code baseUrl} must be refused, or null when it may be used. */
  public @Nullable String problem(String baseUrl) {
    String host;
    try {
      host = new URI(baseUrl).getHost();
    } catch (URISyntaxException e) {
      return "must be a valid URL";
    }
    if (host == null || host.isEmpty()) {
      return "must have a host";
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    if (METADATA_HOSTS.contains(lower)) {
      return "must not point at a cloud metadata service";
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(lower);
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
    for (InetAddress address : addresses) {
      String problem = problem(address);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private @Nullable String problem(InetAddress address) {
    if (address.isLinkLocalAddress() || isMetadata(address)) {
      return "must not point at a link-local or cloud metadata address ("
          + address.getHostAddress()
          + ")";
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress() || isBroadcast(address)) {
      return "must not point at an unspecified, multicast or broadcast address";
    }
    if (!allowPrivate && isPrivate(address)) {
      return "must not point at a private, loopback or internal address ("
          + address.getHostAddress()
          + "); an operator may allow these with --allow-private-upstreams /"
          + " GATEWAY_ALLOW_PRIVATE_UPSTREAMS";
    }
    return null;
  }

  private static boolean isMetadata(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      // 169.254.169.254 is link-local already; Alibaba Cloud's is 100.100.100.200.
      return (b[0] & 0xff) == 100
          && (b[1] & 0xff) == 100
          && (b[2] & 0xff) == 100
          && (b[3] & 0xff) == 200;
    }
    // AWS's IPv6 metadata endpoint fd00:ec2::254.
    return address instanceof Inet6Address
        && (b[0] & 0xff) == 0xfd
        && b[1] == 0
        && (b[2] & 0xff) == 0x0e
        && (b[3] & 0xff) == 0xc2
        && allZero(b, 4, 14)
        && (b[14] & 0xff) == 0x02
        && (b[15] & 0xff) == 0x54;
  }

  private static boolean isBroadcast(InetAddress address) {
    byte[] b = address.getAddress();
    return address instanceof Inet4Address
        && ((b[0] & 0xff) == 255
                && (b[1] & 0xff) == 255
                && (b[2] & 0xff) == 255
                && (b[3] & 0xff) == 255
            || (b[0] & 0xff) == 0);
  }

  private static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isSiteLocalAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      // 100.64.0.0/10 carrier-grade NAT, used inside clouds and Kubernetes.
      return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 0x40;
    }
    // fc00::/7 unique local.
    return (b[0] & 0xfe) == 0xfc;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
