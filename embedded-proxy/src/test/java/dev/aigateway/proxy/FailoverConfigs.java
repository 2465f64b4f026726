package dev.aigateway.proxy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * A model cluster and route shaped as the control plane generates them for issue 19
 * (ModelClusterFactory, ModelRouteFactory): priority levels, weights, endpoint metadata and
 * hostnames, outlier detection, the per-attempt ext_proc, and the retry policy.
 */
final class FailoverConfigs {
  static final String MODEL = "chat";
  static final String CLUSTER = "model_chat";

  /** One target: where it listens, its level, weight, host header, id and health_status. */
  record Target(
      String id, int port, int priority, int weight, String hostname, HealthStatus health) {
    Target(String id, int port, int priority, int weight, String hostname) {
      this(id, port, priority, weight, hostname, HealthStatus.UNKNOWN);
    }
  }

  private FailoverConfigs() {}

  static Snapshot snapshot(
      EnvoyConfigs.Shape base,
      List<Target> targets,
      RetryPolicy retry,
      OutlierDetection outlier,
      boolean attemptExtProc) {
    return snapshot(base, targets, retry, outlier, attemptExtProc, java.util.Map.of());
  }

  /**
   * @param tls per target id: the PEM CA and host name of its own TLS, through
   *     transport_socket_matches
   */
  static Snapshot snapshot(
      EnvoyConfigs.Shape base,
      List<Target> targets,
      RetryPolicy retry,
      OutlierDetection outlier,
      boolean attemptExtProc,
      java.util.Map<String, String[]> tls) {
    Snapshot s = EnvoyConfigs.snapshot(base);
    List<Cluster> clusters = new ArrayList<>(s.clusters().resources().values());
    Cluster.Builder model = cluster(targets, outlier, attemptExtProc).toBuilder();
    tls.forEach(
        (id, caAndHost) ->
            model.addTransportSocketMatches(
                Cluster.TransportSocketMatch.newBuilder()
                    .setName("target_" + id)
                    .setMatch(Struct.newBuilder().putFields("target", string(id)))
                    .setTransportSocket(
                        io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder()
                            .setName("envoy.transport_sockets.tls")
                            .setTypedConfig(
                                Any.pack(
                                    io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                        .UpstreamTlsContext.newBuilder()
                                        .setSni(caAndHost[1])
                                        .setCommonTlsContext(
                                            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                                .CommonTlsContext.newBuilder()
                                                .setValidationContext(
                                                    io.envoyproxy.envoy.extensions.transport_sockets
                                                        .tls.v3.CertificateValidationContext
                                                        .newBuilder()
                                                        .setTrustedCa(
                                                            io.envoyproxy.envoy.config.core.v3
                                                                .DataSource.newBuilder()
                                                                .setInlineString(caAndHost[0]))))
                                        .build())))));
    clusters.add(model.build());
    RouteConfiguration rc = s.routes().resources().values().iterator().next();
    VirtualHost vh = rc.getVirtualHosts(0);
    VirtualHost.Builder next =
        vh.toBuilder().clearRoutes().setIncludeRequestAttemptCount(true).addRoutes(route(retry));
    next.addAllRoutes(vh.getRoutesList());
    List<Listener> listeners = new ArrayList<>(s.listeners().resources().values());
    return Snapshot.create(
        clusters,
        List.of(),
        listeners,
        List.of(rc.toBuilder().clearVirtualHosts().addVirtualHosts(next).build()),
        List.of(),
        base.version());
  }

  static RetryPolicy retry(String retryOn, int numRetries, long perTryMillis, Integer... codes) {
    RetryPolicy.Builder r =
        RetryPolicy.newBuilder()
            .setRetryOn(retryOn)
            .addAllRetriableStatusCodes(List.of(codes))
            .setNumRetries(UInt32Value.of(numRetries))
            .setRetryBackOff(
                RetryPolicy.RetryBackOff.newBuilder()
                    .setBaseInterval(EnvoyConfigs.millis(5))
                    .setMaxInterval(EnvoyConfigs.millis(20)))
            .setRetryPriority(
                RetryPolicy.RetryPriority.newBuilder()
                    .setName("envoy.retry_priorities.previous_priorities")
                    .setTypedConfig(
                        Any.pack(
                            PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(1).build())))
            .addRetryHostPredicate(
                RetryPolicy.RetryHostPredicate.newBuilder()
                    .setName("envoy.retry_host_predicates.previous_hosts")
                    .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
            .setHostSelectionRetryMaxAttempts(3);
    if (perTryMillis > 0) {
      r.setPerTryTimeout(EnvoyConfigs.millis(perTryMillis));
    }
    return r.build();
  }

  static OutlierDetection outlier(int consecutive5xx, long baseEjectionMillis) {
    return OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(consecutive5xx))
        .setConsecutiveGatewayFailure(UInt32Value.of(consecutive5xx))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
        .setInterval(EnvoyConfigs.millis(100))
        .setBaseEjectionTime(EnvoyConfigs.millis(baseEjectionMillis))
        .setMaxEjectionPercent(UInt32Value.of(100))
        .build();
  }

  static ExternalProcessor attemptExtProc() {
    return ExternalProcessor.newBuilder()
        .setGrpcService(
            GrpcService.newBuilder()
                .setEnvoyGrpc(
                    GrpcService.EnvoyGrpc.newBuilder().setClusterName("ai_gateway_ext_proc"))
                .addInitialMetadata(
                    HeaderValue.newBuilder()
                        .setKey("x-gateway-processing-point")
                        .setValue("attempt")))
        .setProcessingMode(
            ProcessingMode.newBuilder()
                .setRequestHeaderMode(ProcessingMode.HeaderSendMode.SEND)
                .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
                .setResponseHeaderMode(ProcessingMode.HeaderSendMode.SEND)
                .setResponseBodyMode(ProcessingMode.BodySendMode.BUFFERED))
        .addRequestAttributes(
            "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['target']")
        .addRequestAttributes(
            "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['upstream_model']")
        .setAllowModeOverride(true)
        .setMessageTimeout(EnvoyConfigs.millis(30_000))
        .build();
  }

  private static Cluster cluster(
      List<Target> targets, OutlierDetection outlier, boolean attemptExtProc) {
    HttpProtocolOptions.Builder options =
        HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(
                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttpProtocolOptions(
                        io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions
                            .getDefaultInstance()));
    if (attemptExtProc) {
      options
          .addHttpFilters(
              HttpFilter.newBuilder()
                  .setName("envoy.filters.http.ext_proc")
                  .setTypedConfig(Any.pack(attemptExtProc())))
          .addHttpFilters(
              HttpFilter.newBuilder()
                  .setName("envoy.filters.http.upstream_codec")
                  .setTypedConfig(Any.pack(UpstreamCodec.getDefaultInstance())));
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(CLUSTER);
    int maxPriority = targets.stream().mapToInt(Target::priority).max().orElse(0);
    for (int p = 0; p <= maxPriority; p++) {
      LocalityLbEndpoints.Builder level = LocalityLbEndpoints.newBuilder().setPriority(p);
      for (Target t : targets) {
        if (t.priority() == p) {
          level.addLbEndpoints(
              LbEndpoint.newBuilder()
                  .setEndpoint(
                      Endpoint.newBuilder()
                          .setAddress(
                              Address.newBuilder()
                                  .setSocketAddress(
                                      SocketAddress.newBuilder()
                                          .setAddress("127.0.0.1")
                                          .setPortValue(t.port())))
                          .setHostname(t.hostname()))
                  .setLoadBalancingWeight(UInt32Value.of(t.weight()))
                  .setHealthStatus(t.health())
                  .setMetadata(
                      Metadata.newBuilder()
                          .putFilterMetadata(
                              "envoy.transport_socket_match",
                              Struct.newBuilder().putFields("target", string(t.id())).build())
                          .putFilterMetadata(
                              "dev.aigateway",
                              Struct.newBuilder()
                                  .putFields("target", string(t.id()))
                                  .putFields("upstream_model", string("model-" + t.id()))
                                  .build())));
        }
      }
      cla.addEndpoints(level);
    }
    return Cluster.newBuilder()
        .setName(CLUSTER)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(EnvoyConfigs.millis(1000))
        .setLoadAssignment(cla)
        .setOutlierDetection(outlier)
        .putTypedExtensionProtocolOptions(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(options.build()))
        .build();
  }

  private static Route route(RetryPolicy retry) {
    return Route.newBuilder()
        .setName(CLUSTER)
        .setMatch(
            RouteMatch.newBuilder()
                .setPrefix("/")
                .addHeaders(
                    HeaderMatcher.newBuilder()
                        .setName("x-gateway-model")
                        .setStringMatch(StringMatcher.newBuilder().setExact(MODEL))))
        .setRoute(
            RouteAction.newBuilder()
                .setCluster(CLUSTER)
                .setAutoHostRewrite(BoolValue.of(true))
                .setTimeout(EnvoyConfigs.millis(0))
                .setRetryPolicy(retry))
        .build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
