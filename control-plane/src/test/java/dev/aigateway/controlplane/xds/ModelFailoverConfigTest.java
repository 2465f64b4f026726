package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The xDS of issue 19: one route and one cluster per model, carrying its failover. */
class ModelFailoverConfigTest {
  private final FleetSnapshot snapshot = snapshot();

  private static FleetSnapshot snapshot() {
    try {
      return new SnapshotAssembler(new ExtProcTarget("10.0.0.9", 18001))
          .assemble(
              new XdsState(
                  3,
                  List.of(new XdsState.Fleet("default", 10000)),
                  SnapshotAssemblerTest.SEVERAL_PROVIDERS,
                  FailoverModels.MODELS))
          .get("default");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Cluster cluster(String name) {
    return snapshot.clusters().resources().get(name);
  }

  private Route route(String name) {
    RouteConfiguration rc = snapshot.routes().resources().values().iterator().next();
    return rc.getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachPriorityIsOneLevelFromZeroWithWeightedEndpointsAndWeightZeroLeftOut() {
    List<LocalityLbEndpoints> levels = cluster("model_chat").getLoadAssignment().getEndpointsList();
    assertThat(levels).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 1, 2);
    assertThat(levels.get(0).getLbEndpointsList())
        .extracting(e -> e.getLoadBalancingWeight().getValue())
        .containsExactly(3, 1);
    assertThat(levels.get(0).getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getHostname())
        .containsExactly("api.openai.com", "contoso-eu.openai.azure.com");
    assertThat(levels.get(1).getLbEndpoints(0).getEndpoint().getHostname())
        .isEqualTo("api.anthropic.com");
    assertThat(levels.get(2).getLbEndpoints(0).getEndpoint().getHostname())
        .as("the exact host header, with its non-default port")
        .isEqualTo("10.0.0.5:8000");
    assertThat(levels.stream().flatMap(l -> l.getLbEndpointsList().stream()))
        .noneMatch(e -> e.getEndpoint().getHostname().contains("generativelanguage"));
    assertThat(cluster("model_chat").getType()).isEqualTo(Cluster.DiscoveryType.STRICT_DNS);
  }

  @Test
  void endpointsCarryProviderTargetAndUpstreamModelAndTheirOwnTls() throws Exception {
    LbEndpoint claude = cluster("model_chat").getLoadAssignment().getEndpoints(1).getLbEndpoints(0);
    Map<String, Value> meta =
        claude.getMetadata().getFilterMetadataOrThrow("dev.aigateway").getFieldsMap();
    assertThat(meta.get("provider").getStringValue()).isEqualTo("anthropic");
    assertThat(meta.get("target").getStringValue()).isEqualTo("t-claude");
    assertThat(meta.get("upstream_model").getStringValue()).isEqualTo("claude-haiku-4-5");
    assertThat(
            claude
                .getMetadata()
                .getFilterMetadataOrThrow("envoy.transport_socket_match")
                .getFieldsOrThrow("target")
                .getStringValue())
        .isEqualTo("t-claude");

    Cluster chat = cluster("model_chat");
    assertThat(chat.hasTransportSocket()).as("plaintext targets use the default").isFalse();
    Cluster.TransportSocketMatch match =
        chat.getTransportSocketMatchesList().stream()
            .filter(m -> m.getName().equals("target_t-claude"))
            .findFirst()
            .orElseThrow();
    assertThat(match.getMatch().getFieldsOrThrow("target").getStringValue()).isEqualTo("t-claude");
    UpstreamTlsContext tls =
        match.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEqualTo("api.anthropic.com");
    assertThat(
            tls.getCommonTlsContext()
                .getValidationContext()
                .getMatchTypedSubjectAltNames(0)
                .getMatcher()
                .getExact())
        .isEqualTo("api.anthropic.com");
    assertThat(chat.getTransportSocketMatchesList())
        .extracting(Cluster.TransportSocketMatch::getName)
        .containsExactlyInAnyOrder("target_t-openai", "target_t-azure", "target_t-claude");
  }

  @Test
  void theUpstreamFilterChainIsTheAttemptExtProcThenTheCodec() throws Exception {
    HttpProtocolOptions options =
        cluster("model_chat")
            .getTypedExtensionProtocolOptionsOrThrow(ClusterFactory.PROTOCOL_OPTIONS_KEY)
            .unpack(HttpProtocolOptions.class);
    assertThat(options.hasAutoConfig()).isTrue();
    assertThat(options.getCommonHttpProtocolOptions().getIdleTimeout().getSeconds()).isEqualTo(60);
    assertThat(options.getHttpFiltersList())
        .extracting(f -> f.getName())
        .containsExactly("envoy.filters.http.ext_proc", "envoy.filters.http.upstream_codec");
    ExternalProcessor ext =
        options.getHttpFilters(0).getTypedConfig().unpack(ExternalProcessor.class);
    assertThat(ext.getGrpcService().getEnvoyGrpc().getClusterName())
        .isEqualTo("ai_gateway_ext_proc");
    assertThat(ext.getGrpcService().getInitialMetadata(0).getKey())
        .isEqualTo("x-gateway-processing-point");
    assertThat(ext.getGrpcService().getInitialMetadata(0).getValue()).isEqualTo("attempt");
    assertThat(ext.getRequestAttributesList())
        .containsExactly(
            "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['provider']",
            "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['target']",
            "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['upstream_model']");
    assertThat(ext.getProcessingMode().getRequestBodyMode())
        .isEqualTo(ProcessingMode.BodySendMode.BUFFERED);
    assertThat(ext.getProcessingMode().getResponseHeaderMode())
        .isEqualTo(ProcessingMode.HeaderSendMode.SEND);
    assertThat(ext.getAllowModeOverride()).isTrue();
    assertThat(ext.getFailureModeAllow()).isFalse();
    assertThat(ext.getMutationRules().getAllowEnvoy().getValue()).isTrue();

    HttpProtocolOptions plaintext =
        cluster("model_local-only")
            .getTypedExtensionProtocolOptionsOrThrow(ClusterFactory.PROTOCOL_OPTIONS_KEY)
            .unpack(HttpProtocolOptions.class);
    assertThat(plaintext.getExplicitHttpConfig().hasHttpProtocolOptions()).isTrue();
    assertThat(cluster("model_local-only").getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
  }

  @Test
  void outlierDetectionEjectsTheOnlyTargetOfALevelAndRetriesAreNotCappedAtThree() {
    Cluster chat = cluster("model_chat");
    assertThat(chat.getOutlierDetection().getMaxEjectionPercent().getValue()).isEqualTo(100);
    assertThat(chat.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(3);
    assertThat(chat.getOutlierDetection().getEnforcingConsecutiveGatewayFailure().getValue())
        .isEqualTo(100);
    assertThat(chat.getOutlierDetection().getBaseEjectionTime().getSeconds()).isEqualTo(30);
    assertThat(chat.getCircuitBreakers().getThresholds(0).getMaxRetries().getValue())
        .isEqualTo(1024);
    assertThat(chat.getPerConnectionBufferLimitBytes().getValue())
        .isEqualTo(50 * 1024 * 1024 + 1024 * 1024);
  }

  @Test
  void theModelRouteMatchesTheModelHeaderRewritesTheHostAndCarriesTheRetryPolicy()
      throws Exception {
    Route chat = route("model_chat");
    assertThat(chat.getMatch().getHeaders(0).getName()).isEqualTo("x-gateway-model");
    assertThat(chat.getMatch().getHeaders(0).getStringMatch().getExact()).isEqualTo("chat");
    assertThat(chat.getRoute().getCluster()).isEqualTo("model_chat");
    assertThat(chat.getRoute().getAutoHostRewrite().getValue()).isTrue();
    assertThat(chat.getRoute().getIdleTimeout().getSeconds()).isZero();
    assertThat(chat.getRoute().getTimeout().getSeconds()).isZero();

    RetryPolicy defaults = chat.getRoute().getRetryPolicy();
    assertThat(defaults.getRetryOn()).isEqualTo("connect-failure,reset,5xx,retriable-status-codes");
    assertThat(defaults.getRetriableStatusCodesList()).containsExactly(429, 529);
    assertThat(defaults.getNumRetries().getValue()).isEqualTo(2);
    assertThat(defaults.hasPerTryTimeout()).isFalse();
    assertThat(defaults.getRetryBackOff().getBaseInterval().getNanos()).isEqualTo(25_000_000);
    assertThat(defaults.getRetryBackOff().getMaxInterval().getNanos()).isEqualTo(250_000_000);
    assertThat(defaults.getRetryPriority().getName())
        .isEqualTo("envoy.retry_priorities.previous_priorities");
    assertThat(
            defaults
                .getRetryPriority()
                .getTypedConfig()
                .unpack(PreviousPrioritiesConfig.class)
                .getUpdateFrequency())
        .isEqualTo(1);
    assertThat(defaults.getRetryHostPredicate(0).getName())
        .isEqualTo("envoy.retry_host_predicates.previous_hosts");
    assertThat(defaults.getHostSelectionRetryMaxAttempts()).isEqualTo(3);

    RetryPolicy fast = route("model_bedrock-first").getRoute().getRetryPolicy();
    assertThat(fast.getRetryOn())
        .isEqualTo("connect-failure,reset,gateway-error,retriable-status-codes");
    assertThat(fast.getRetriableStatusCodesList()).containsExactly(429);
    assertThat(fast.getNumRetries().getValue()).isEqualTo(3);
    assertThat(fast.getPerTryTimeout().getSeconds()).isEqualTo(1);
    assertThat(fast.getPerTryTimeout().getNanos()).isEqualTo(500_000_000);

    RetryPolicy never = route("model_local-only").getRoute().getRetryPolicy();
    assertThat(never.getRetryOn()).isEmpty();
    assertThat(never.getNumRetries().getValue()).isZero();
  }

  @Test
  void modelRoutesComeBeforeProviderRoutesAndTheCatchAll404AndAttemptsAreCounted() {
    RouteConfiguration rc = snapshot.routes().resources().values().iterator().next();
    List<String> names =
        rc.getVirtualHosts(0).getRoutesList().stream().map(Route::getName).toList();
    assertThat(names.subList(0, 3))
        .containsExactly("model_bedrock-first", "model_chat", "model_local-only");
    assertThat(names.getLast()).isEqualTo("not_found");
    assertThat(rc.getVirtualHosts(0).getIncludeRequestAttemptCount()).isTrue();
    assertThat(rc.getVirtualHosts(0).getRequestHeadersToRemoveList())
        .as("the attempt point needs the x-gateway-* headers: it removes them itself")
        .doesNotContain("x-gateway-model", "x-gateway-request-id");
  }

  @Test
  void aModelWhoseTargetsAllHaveWeightZeroOrNoProviderGetsNoRouteAndNoCluster() throws Exception {
    FleetSnapshot s =
        new SnapshotAssembler(new ExtProcTarget("10.0.0.9", 18001))
            .assemble(
                new XdsState(
                    4,
                    List.of(new XdsState.Fleet("default", 10000)),
                    SnapshotAssemblerTest.SEVERAL_PROVIDERS,
                    List.of(
                        new XdsState.Model(
                            "off",
                            dev.aigateway.db.model.Failover.DEFAULTS,
                            List.of(new XdsState.Target("x", "openai", "m", 0, 0))))))
            .get("default");
    assertThat(s.clusters().resources()).doesNotContainKey("model_off");
    assertThat(s.routes().resources().values().iterator().next().getVirtualHosts(0).getRoutesList())
        .noneMatch(r -> r.getName().equals("model_off"));
  }
}
