package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import dev.aigateway.controlplane.xds.pgv.PgvRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every resource the control plane generates passes the protoc-gen-validate rules of Envoy's own
 * protos (the checks Envoy runs before accepting a resource; a violation NACKs the update), with
 * every typed_config unpacked.
 */
class EnvoyProtoRulesTest {
  /** Every type our config puts in an Any; an unknown one fails the check. */
  private static final Map<String, Descriptor> ANY_TYPES =
      Stream.of(
              HttpConnectionManager.getDescriptor(),
              Router.getDescriptor(),
              ExternalProcessor.getDescriptor(),
              StdoutAccessLog.getDescriptor(),
              UpstreamTlsContext.getDescriptor(),
              HttpProtocolOptions.getDescriptor(),
              io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec
                  .getDescriptor(),
              io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3
                  .PreviousPrioritiesConfig.getDescriptor(),
              io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate
                  .getDescriptor(),
              io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit
                  .getDescriptor())
          .collect(Collectors.toMap(Descriptor::getFullName, d -> d));

  @Test
  void everyGeneratedResourceForEveryProviderSchemaPassesEnvoysRules() throws Exception {
    List<XdsState.Provider> providers = new ArrayList<>(SnapshotAssemblerTest.SEVERAL_PROVIDERS);
    providers.add(
        new XdsState.Provider(
            "private",
            "openai_compatible",
            "https://vllm.corp:8443/v1",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
    XdsState state =
        new XdsState(
                11,
                List.of(new XdsState.Fleet("default", 10000), new XdsState.Fleet("edge", 8443)),
                providers,
                FailoverModels.MODELS)
            // A target in a cooldown: its endpoint's health_status DEGRADED is checked too.
            .withCooldowns(Map.of("t-claude", java.time.Instant.parse("2030-01-01T00:00:00Z")));

    Map<String, FleetSnapshot> snapshots =
        new SnapshotAssembler(new ExtProcTarget("ext-proc.internal", 18001)).assemble(state);
    assertThat(snapshots.get("default").version()).contains("-cooldown-");

    int resources = 0;
    int rules = 0;
    for (FleetSnapshot snapshot : snapshots.values()) {
      List<Message> all = new ArrayList<>();
      all.addAll(snapshot.clusters().resources().values());
      all.addAll(snapshot.listeners().resources().values());
      all.addAll(snapshot.routes().resources().values());
      all.addAll(snapshot.endpoints().resources().values());
      for (Message resource : all) {
        PgvRules.Result result = PgvRules.check(resource, ANY_TYPES);
        assertThat(result.violations()).as(resource.getDescriptorForType().getName()).isEmpty();
        resources++;
        rules += result.rulesChecked();
      }
    }
    // 9 provider clusters, the model clusters, ext_proc, one listener and one route config per
    // fleet.
    assertThat(resources).isEqualTo(2 * (providers.size() + FailoverModels.MODELS.size() + 1 + 2));
    assertThat(rules).as("rules evaluated").isGreaterThan(500);
  }

  @Test
  void theCheckFindsViolationsEnvoyWouldReject() {
    Cluster noName =
        Cluster.newBuilder()
            .setName("")
            .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(-1))
            .build();
    assertThat(PgvRules.check(noName, ANY_TYPES).violations())
        .anyMatch(v -> v.contains("connect_timeout"));

    RouteConfiguration badHeader =
        RouteConfiguration.newBuilder()
            .setName("r")
            .addResponseHeadersToAdd(
                HeaderValueOption.newBuilder()
                    .setHeader(HeaderValue.newBuilder().setKey("bad header\n").setValue("x")))
            .build();
    assertThat(PgvRules.check(badHeader, ANY_TYPES).violations())
        .anyMatch(v -> v.contains("response_headers_to_add[0].header.key"));

    RouteConfiguration unknownAny =
        RouteConfiguration.newBuilder()
            .setName("r")
            .putTypedPerFilterConfig(
                "x", com.google.protobuf.Any.pack(com.google.protobuf.Empty.getDefaultInstance()))
            .build();
    assertThat(PgvRules.check(unknownAny, ANY_TYPES).violations())
        .anyMatch(v -> v.contains("does not know"));
  }
}
