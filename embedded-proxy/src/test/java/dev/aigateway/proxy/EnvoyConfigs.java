package dev.aigateway.proxy;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;

/** Hand-built xDS resources shaped like the control plane's (docs/contracts.md). */
final class EnvoyConfigs {

  static final String FLEET = "default";
  static final String NOT_FOUND_BODY =
      "{\"error\":{\"message\":\"no route\",\"type\":\"invalid_request_error\",\"code\":\"not_found\"}}";

  /** A provider cluster: where it listens and, for TLS, the SNI. */
  record Provider(String name, int port, String sni, String hostRewrite, boolean eds) {
    Provider(String name, int port, String sni, String hostRewrite) {
      this(name, port, sni, hostRewrite, false);
    }
  }

  /** Everything one snapshot varies on. */
  record Shape(
      String version,
      int extProcPort,
      List<Provider> providers,
      ExternalProcessor extProc,
      boolean brokenListener) {

    Shape withVersion(String v) {
      return new Shape(v, extProcPort, providers, extProc, brokenListener);
    }

    Shape withExtProc(ExternalProcessor p) {
      return new Shape(version, extProcPort, providers, p, brokenListener);
    }

    Shape broken() {
      return new Shape(version, extProcPort, providers, extProc, true);
    }

    Shape withProviders(List<Provider> p) {
      return new Shape(version, extProcPort, p, extProc, brokenListener);
    }
  }

  static Shape shape(int extProcPort, Provider... providers) {
    return new Shape("1", extProcPort, List.of(providers), extProc(30_000), false);
  }

  static ExternalProcessor extProc(long messageTimeoutMillis) {
    return ExternalProcessor.newBuilder()
        .setGrpcService(
            GrpcService.newBuilder()
                .setEnvoyGrpc(
                    GrpcService.EnvoyGrpc.newBuilder().setClusterName("ai_gateway_ext_proc")))
        .setProcessingMode(
            ProcessingMode.newBuilder()
                .setRequestHeaderMode(ProcessingMode.HeaderSendMode.SEND)
                .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
                .setResponseHeaderMode(ProcessingMode.HeaderSendMode.SEND)
                .setResponseBodyMode(ProcessingMode.BodySendMode.BUFFERED))
        .setAllowModeOverride(true)
        .setMessageTimeout(millis(messageTimeoutMillis))
        .setFailureModeAllow(false)
        .build();
  }

  static Snapshot snapshot(Shape s) {
    return snapshot(s, java.util.function.UnaryOperator.identity());
  }

  /** The snapshot of {@code s} with its listener changed by {@code listener}. */
  static Snapshot snapshot(Shape s, java.util.function.UnaryOperator<Listener> listener) {
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    clusters.add(extProcCluster(s.extProcPort()));
    for (Provider p : s.providers()) {
      if (p.eds()) {
        endpoints.add(assignment("provider_" + p.name(), "127.0.0.1", p.port()));
      }
    }
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("all").addDomains("*");
    for (Provider p : s.providers()) {
      clusters.add(providerCluster(p));
      vh.addRoutes(
          Route.newBuilder()
              .setName("provider_" + p.name())
              .setMatch(
                  RouteMatch.newBuilder()
                      .setPrefix("/")
                      .addHeaders(
                          HeaderMatcher.newBuilder()
                              .setName("x-gateway-provider")
                              .setStringMatch(StringMatcher.newBuilder().setExact(p.name()))))
              .setRoute(
                  RouteAction.newBuilder()
                      .setCluster("provider_" + p.name())
                      .setHostRewriteLiteral(p.hostRewrite())
                      .setTimeout(millis(60_000))));
    }
    vh.addRoutes(
        Route.newBuilder()
            .setName("not_found")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setDirectResponse(
                DirectResponseAction.newBuilder()
                    .setStatus(404)
                    .setBody(DataSource.newBuilder().setInlineString(NOT_FOUND_BODY)))
            .addResponseHeadersToAdd(
                HeaderValueOption.newBuilder()
                    .setHeader(
                        HeaderValue.newBuilder()
                            .setKey("content-type")
                            .setValue("application/json"))
                    .setAppendAction(
                        HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
    RouteConfiguration routes =
        RouteConfiguration.newBuilder().setName("routes_" + FLEET).addVirtualHosts(vh).build();
    return Snapshot.create(
        clusters,
        endpoints,
        List.of(listener.apply(listener(s))),
        List.of(routes),
        List.of(),
        s.version());
  }

  private static Listener listener(Shape s) {
    HttpConnectionManager.Builder hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("ingress")
            .setRds(
                Rds.newBuilder()
                    .setRouteConfigName("routes_" + FLEET)
                    .setConfigSource(
                        ConfigSource.newBuilder()
                            .setAds(AggregatedConfigSource.getDefaultInstance())
                            .setResourceApiVersion(ApiVersion.V3)))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.ext_proc")
                    .setTypedConfig(Any.pack(s.extProc())));
    if (!s.brokenListener()) {
      hcm.addHttpFilters(
          HttpFilter.newBuilder()
              .setName("envoy.filters.http.router")
              .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    }
    return Listener.newBuilder()
        .setName("listener_" + FLEET)
        .setAddress(address("0.0.0.0", 10000))
        .setPerConnectionBufferLimitBytes(UInt32Value.of(50 * 1024 * 1024))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(
                    Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }

  private static Cluster extProcCluster(int port) {
    HttpProtocolOptions h2 =
        HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(
                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
            .build();
    return Cluster.newBuilder()
        .setName("ai_gateway_ext_proc")
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(millis(1000))
        .putTypedExtensionProtocolOptions(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(h2))
        .setLoadAssignment(assignment("ai_gateway_ext_proc", "127.0.0.1", port))
        .build();
  }

  private static Cluster providerCluster(Provider p) {
    Cluster.Builder c =
        Cluster.newBuilder().setName("provider_" + p.name()).setConnectTimeout(millis(1000));
    if (p.eds()) {
      c.setType(Cluster.DiscoveryType.EDS)
          .setEdsClusterConfig(
              Cluster.EdsClusterConfig.newBuilder()
                  .setEdsConfig(
                      ConfigSource.newBuilder()
                          .setAds(AggregatedConfigSource.getDefaultInstance())
                          .setResourceApiVersion(ApiVersion.V3)));
    } else {
      c.setType(Cluster.DiscoveryType.STRICT_DNS)
          .setLoadAssignment(assignment("provider_" + p.name(), "127.0.0.1", p.port()));
    }
    if (p.sni() != null) {
      c.setTransportSocket(
          TransportSocket.newBuilder()
              .setName("envoy.transport_sockets.tls")
              .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setSni(p.sni()).build())));
    }
    return c.build();
  }

  private static ClusterLoadAssignment assignment(String cluster, String host, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress(address(host, port)))))
        .build();
  }

  private static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }

  static Duration millis(long ms) {
    return Duration.newBuilder()
        .setSeconds(ms / 1000)
        .setNanos((int) (ms % 1000) * 1_000_000)
        .build();
  }

  private EnvoyConfigs() {}
}
