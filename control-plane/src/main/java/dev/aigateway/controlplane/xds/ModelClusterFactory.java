package dev.aigateway.controlplane.xds;

import static dev.aigateway.controlplane.xds.ClusterFactory.seconds;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster of one model (issue 19): one {@code LocalityLbEndpoints} per priority level holding
 * that level's targets as weighted endpoints, each with its exact {@code host} header as {@code
 * hostname}, its provider/target/upstream model as metadata and its own TLS through {@code
 * transport_socket_matches}; outlier detection; and the per-attempt ext_proc in the upstream filter
 * chain, so each attempt is translated and signed for the target actually chosen.
 */
final class ModelClusterFactory {
  static final String TRANSPORT_SOCKET_MATCH = "envoy.transport_socket_match";
  static final String UPSTREAM_CODEC = "envoy.filters.http.upstream_codec";
  static final List<String> ENDPOINT_KEYS = List.of("provider", "target", "upstream_model");

  private ModelClusterFactory() {}

  /** A target with its provider resolved; targets with weight 0 never get here. */
  record Resolved(XdsState.Target target, XdsState.Provider provider, UpstreamEndpoint endpoint) {}

  /**
   * The model's cluster, or null when none of its targets can be served (no provider with a usable
   * base URL, or every weight 0): its route is then left out and the catch-all 404 answers.
   */
  static Cluster cluster(
      XdsState.Model model, Map<String, Resolved> byTargetId, EnvoyOptions options) {
    return cluster(model, byTargetId, Set.of(), options);
  }

  /**
   * As above, with the endpoints of {@code degraded} targets (a running cooldown) published {@code
   * DEGRADED}: Envoy gives them load only when the healthy hosts of every level cannot take it all.
   */
  static Cluster cluster(
      XdsState.Model model,
      Map<String, Resolved> byTargetId,
      Set<String> degraded,
      EnvoyOptions options) {
    List<Resolved> targets = new ArrayList<>();
    for (XdsState.Target t : model.targets()) {
      Resolved r = byTargetId.get(t.id());
      if (r != null && t.weight() > 0) {
        targets.add(r);
      }
    }
    if (targets.isEmpty()) {
      return null;
    }
    String name = XdsNames.modelCluster(model.name());
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setConnectTimeout(seconds(5))
            .setLoadAssignment(loadAssignment(name, targets, degraded))
            .setPerConnectionBufferLimitBytes(ClusterFactory.bufferLimit(options))
            .setCircuitBreakers(circuitBreakers())
            .setOutlierDetection(outlierDetection())
            .putTypedExtensionProtocolOptions(
                ClusterFactory.PROTOCOL_OPTIONS_KEY, Any.pack(protocolOptions(targets)));
    boolean allIps =
        targets.stream().allMatch(r -> UpstreamEndpoint.isIpLiteral(r.endpoint().host()));
    if (allIps) {
      cluster.setType(Cluster.DiscoveryType.STATIC);
    } else {
      // Several hosts (one per target) behind names: STRICT_DNS (LOGICAL_DNS takes one endpoint).
      cluster
          .setType(Cluster.DiscoveryType.STRICT_DNS)
          .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED);
    }
    for (Resolved r : targets) {
      if (r.endpoint().tls()) {
        cluster.addTransportSocketMatches(
            Cluster.TransportSocketMatch.newBuilder()
                .setName("target_" + r.target().id())
                .setMatch(struct(Map.of("target", r.target().id())))
                .setTransportSocket(
                    UpstreamTls.transportSocket(
                        r.endpoint().host(), r.provider().caBundle(), options)));
      }
    }
    return cluster.build();
  }

  /** Levels in priority order, renumbered 0, 1, 2, ... (Envoy wants contiguous levels). */
  private static ClusterLoadAssignment loadAssignment(
      String cluster, List<Resolved> targets, Set<String> degraded) {
    TreeSet<Integer> stored = new TreeSet<>();
    targets.forEach(r -> stored.add(r.target().priority()));
    Map<Integer, LocalityLbEndpoints.Builder> levels = new TreeMap<>();
    int level = 0;
    for (int p : stored) {
      levels.put(p, LocalityLbEndpoints.newBuilder().setPriority(level++));
    }
    for (Resolved r : targets) {
      levels
          .get(r.target().priority())
          .addLbEndpoints(endpoint(r, degraded.contains(r.target().id())));
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
    levels.values().forEach(cla::addEndpoints);
    return cla.build();
  }

  private static LbEndpoint endpoint(Resolved r, boolean degraded) {
    Metadata.Builder metadata =
        Metadata.newBuilder()
            .putFilterMetadata(
                XdsNames.ENDPOINT_METADATA_NAMESPACE,
                struct(
                    Map.of(
                        "provider", r.provider().name(),
                        "target", r.target().id(),
                        "upstream_model", r.target().upstreamModel())));
    if (r.endpoint().tls()) {
      metadata.putFilterMetadata(TRANSPORT_SOCKET_MATCH, struct(Map.of("target", r.target().id())));
    }
    LbEndpoint.Builder endpoint = LbEndpoint.newBuilder();
    if (degraded) {
      // upstream_impl.cc: HostImpl takes the LbEndpoint's health_status in STATIC and STRICT_DNS
      // clusters too (strict_dns_cluster.cc passes lb_endpoint_.health_status()); DEGRADED sets
      // DEGRADED_EDS_HEALTH, so the host counts in the level's degraded availability, not its
      // healthy one (load_balancer_impl.cc recalculatePerPriorityState).
      endpoint.setHealthStatus(HealthStatus.DEGRADED);
    }
    return endpoint
        .setEndpoint(
            Endpoint.newBuilder()
                .setAddress(ClusterFactory.address(r.endpoint().host(), r.endpoint().port()))
                // auto_host_rewrite sends this as the host header: with a non-default port, as
                // the SigV4 signature covers it.
                .setHostname(r.endpoint().hostHeader()))
        .setLoadBalancingWeight(UInt32Value.of(r.target().weight()))
        .setMetadata(metadata)
        .build();
  }

  /**
   * auto_config when any target is https (h2 or http/1.1 by ALPN; a plaintext target without ALPN
   * falls back to HTTP/1.1), else HTTP/1.1; then the upstream filter chain: the per-attempt
   * ext_proc and the codec filter that must end it.
   */
  static HttpProtocolOptions protocolOptions(List<Resolved> targets) {
    boolean anyTls = targets.stream().anyMatch(r -> r.endpoint().tls());
    return ClusterFactory.providerProtocolOptions(anyTls).toBuilder()
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName(ListenerFactory.EXT_PROC_FILTER)
                .setTypedConfig(Any.pack(attemptExtProc())))
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName(UPSTREAM_CODEC)
                .setTypedConfig(Any.pack(UpstreamCodec.getDefaultInstance())))
        .build();
  }

  /**
   * The per-attempt processing point: the same service as the router-level filter, told apart by
   * gRPC initial metadata, with the chosen endpoint's metadata as request attributes.
   */
  static ExternalProcessor attemptExtProc() {
    // The router-level filter's settings (processing mode, timeouts, fail closed, allow_envoy to
    // remove x-envoy-attempt-count), told apart by initial metadata, plus the endpoint attributes.
    ExternalProcessor routerLevel = ListenerFactory.extProc();
    ExternalProcessor.Builder ext =
        routerLevel.toBuilder()
            .setGrpcService(
                routerLevel.getGrpcService().toBuilder()
                    .addInitialMetadata(
                        HeaderValue.newBuilder()
                            .setKey(XdsNames.PROCESSING_POINT_METADATA)
                            .setValue(XdsNames.ATTEMPT_PROCESSING_POINT)));
    ENDPOINT_KEYS.forEach(k -> ext.addRequestAttributes(XdsNames.endpointAttribute(k)));
    return ext.build();
  }

  /**
   * consecutive 5xx / gateway failures (connect failures and resets count as these while
   * split_external_local_origin_errors is off) eject a target for base_ejection_time (longer each
   * time it is ejected again); max_ejection_percent 100 because most priority levels hold one
   * target, and 10 % of one host ejects nothing: ejecting it is what spills its traffic to the next
   * level. [outlier_detection.proto]
   */
  static OutlierDetection outlierDetection() {
    return OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3))
        .setConsecutiveGatewayFailure(UInt32Value.of(3))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
        .setInterval(seconds(5))
        .setBaseEjectionTime(seconds(30))
        .setMaxEjectionTime(seconds(300))
        .setMaxEjectionPercent(UInt32Value.of(100))
        .build();
  }

  /**
   * Envoy's defaults (1024) made explicit, except max_retries: its default of 3 is the number of
   * retries in flight at once for the whole cluster, which would stop failover under load.
   */
  private static CircuitBreakers circuitBreakers() {
    return CircuitBreakers.newBuilder()
        .addThresholds(
            CircuitBreakers.Thresholds.newBuilder()
                .setPriority(RoutingPriority.DEFAULT)
                .setMaxConnections(UInt32Value.of(1024))
                .setMaxPendingRequests(UInt32Value.of(1024))
                .setMaxRequests(UInt32Value.of(1024))
                .setMaxRetries(UInt32Value.of(1024)))
        .build();
  }

  static Struct struct(Map<String, String> fields) {
    Struct.Builder s = Struct.newBuilder();
    new TreeMap<>(fields)
        .forEach((k, v) -> s.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return s.build();
  }
}
