package dev.aigateway.proxy.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.cluster.Endpoint;
import dev.aigateway.proxy.cluster.HostHealth;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns CDS and EDS resources into {@link ClusterSpec}s, rejecting what the proxy cannot do. */
final class ClusterTranslator {

  static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final long DEFAULT_BUFFER_LIMIT = 1024 * 1024;

  private ClusterTranslator() {}

  @SuppressWarnings("deprecation") // Envoy still honours Cluster.http2_protocol_options.
  static ClusterSpec cluster(Cluster c) throws InvalidResourceException {
    String name = c.getName();
    if (name.isEmpty()) {
      throw new InvalidResourceException("cluster without a name");
    }
    String eds = null;
    List<Endpoint> endpoints = List.of();
    if (c.hasClusterType()) {
      throw new InvalidResourceException("cluster " + name + ": custom cluster_type unsupported");
    }
    switch (c.getType()) {
      case STATIC, STRICT_DNS, LOGICAL_DNS ->
          endpoints = UpstreamFailover.endpoints(c, endpoints(c.getLoadAssignment(), name));
      case EDS -> {
        String service = c.getEdsClusterConfig().getServiceName();
        eds = service.isEmpty() ? name : service;
      }
      case ORIGINAL_DST, UNRECOGNIZED ->
          throw new InvalidResourceException(
              "cluster " + name + ": discovery type " + c.getType() + " unsupported");
    }
    String sni = null;
    java.util.List<java.security.cert.X509Certificate> trustedCa = null;
    TlsFiles clientTls = null;
    if (c.hasTransportSocket()) {
      var ts = c.getTransportSocket();
      String type = ts.getTypedConfig().getTypeUrl();
      if (type.endsWith("UpstreamTlsContext")) {
        UpstreamTlsContext tls;
        try {
          tls = ts.getTypedConfig().unpack(UpstreamTlsContext.class);
        } catch (InvalidProtocolBufferException e) {
          throw new InvalidResourceException("cluster " + name + ": bad UpstreamTlsContext");
        }
        sni = tls.getSni();
        trustedCa = UpstreamTrust.of(tls, name);
        clientTls = ClientCertificates.of(tls, name);
      } else if (!type.endsWith("RawBuffer") && !type.isEmpty()) {
        throw new InvalidResourceException(
            "cluster " + name + ": transport socket " + ts.getName() + " unsupported");
      }
    }
    boolean http2 = c.hasHttp2ProtocolOptions();
    ClusterSpec.Keepalive keepalive = null;
    dev.aigateway.proxy.extproc.ExtProcSpec upstreamExtProc = null;
    var opts = c.getTypedExtensionProtocolOptionsMap().get(HTTP_OPTIONS);
    if (opts != null) {
      try {
        HttpProtocolOptions o = opts.unpack(HttpProtocolOptions.class);
        upstreamExtProc = UpstreamFailover.upstreamFilters(o.getHttpFiltersList(), name);
        // auto_config: the proxy offers only http/1.1 by ALPN, which Envoy would also settle on
        // with an HTTP/1.1-only provider; explicit http2 is what the ext_proc cluster uses.
        http2 = o.hasExplicitHttpConfig() && o.getExplicitHttpConfig().hasHttp2ProtocolOptions();
        if (http2 && o.getExplicitHttpConfig().getHttp2ProtocolOptions().hasConnectionKeepalive()) {
          var k = o.getExplicitHttpConfig().getHttp2ProtocolOptions().getConnectionKeepalive();
          keepalive =
              new ClusterSpec.Keepalive(
                  XdsDurations.of(k.getInterval()),
                  k.hasTimeout() ? XdsDurations.of(k.getTimeout()) : Duration.ofSeconds(5));
        }
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidResourceException("cluster " + name + ": bad HttpProtocolOptions");
      }
    }
    Duration connect =
        c.hasConnectTimeout() ? XdsDurations.of(c.getConnectTimeout()) : Duration.ofSeconds(5);
    long limit =
        c.hasPerConnectionBufferLimitBytes()
            ? c.getPerConnectionBufferLimitBytes().getValue()
            : DEFAULT_BUFFER_LIMIT;
    return new ClusterSpec(
        name,
        endpoints,
        eds,
        sni,
        http2,
        connect,
        limit,
        trustedCa,
        keepalive,
        clientTls,
        upstreamExtProc,
        UpstreamFailover.outlier(c));
  }

  static List<Endpoint> endpoints(ClusterLoadAssignment cla, String cluster)
      throws InvalidResourceException {
    List<Endpoint> out = new ArrayList<>();
    for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
      for (LbEndpoint lb : locality.getLbEndpointsList()) {
        HostHealth health;
        switch (lb.getHealthStatus()) {
          case DRAINING -> {
            // Excluded: not a host of the level at all (exclude_host_in_eds_status_draining).
            continue;
          }
          case UNHEALTHY, TIMEOUT -> health = HostHealth.UNHEALTHY;
          case DEGRADED -> health = HostHealth.DEGRADED;
          default -> health = HostHealth.HEALTHY;
        }
        var addr = lb.getEndpoint().getAddress();
        if (!addr.hasSocketAddress()) {
          throw new InvalidResourceException(
              "cluster " + cluster + ": only socket addresses are supported");
        }
        var sa = addr.getSocketAddress();
        if (sa.getAddress().isEmpty() || sa.getPortValue() <= 0 || sa.getPortValue() > 65535) {
          throw new InvalidResourceException("cluster " + cluster + ": invalid endpoint address");
        }
        out.add(
            new Endpoint(
                sa.getAddress(),
                sa.getPortValue(),
                locality.getPriority(),
                lb.hasLoadBalancingWeight() ? lb.getLoadBalancingWeight().getValue() : 1,
                lb.getEndpoint().getHostname().isEmpty() ? null : lb.getEndpoint().getHostname(),
                UpstreamFailover.metadata(lb.getMetadata()),
                null,
                health));
      }
    }
    return List.copyOf(out);
  }
}
