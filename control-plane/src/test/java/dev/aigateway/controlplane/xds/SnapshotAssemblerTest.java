package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotAssemblerTest {
  private static final ExtProcTarget EXT_PROC = new ExtProcTarget("127.0.0.1", 18001);
  private final SnapshotAssembler assembler = new SnapshotAssembler(EXT_PROC);

  static final List<XdsState.Provider> SEVERAL_PROVIDERS =
      List.of(
          new XdsState.Provider("openai", "openai", "https://api.openai.com"),
          new XdsState.Provider("anthropic", "anthropic", "https://api.anthropic.com"),
          new XdsState.Provider("azure-eu", "azure_openai", "https://contoso-eu.openai.azure.com"),
          new XdsState.Provider(
              "bedrock", "aws_bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com"),
          new XdsState.Provider(
              "vertex", "gcp_vertex", "https://europe-west4-aiplatform.googleapis.com"),
          new XdsState.Provider("gemini", "gemini", "https://generativelanguage.googleapis.com"),
          new XdsState.Provider("vllm", "openai_compatible", "http://10.0.0.5:8000/v1"),
          new XdsState.Provider("ollama", "openai_compatible", "http://ollama.internal:11434"));

  @Test
  void severalProvidersAndSchemasMatchGoldenFiles() throws Exception {
    XdsState state =
        new XdsState(42, List.of(new XdsState.Fleet("default", 10000)), SEVERAL_PROVIDERS);

    Map<String, FleetSnapshot> snapshots = assembler.assemble(state);

    assertThat(snapshots).containsOnlyKeys("default");
    Golden.assertMatches(
        "several_providers/default.json", XdsJson.snapshot(snapshots.get("default")));
  }

  @Test
  void twoFleetsGetTheirOwnListenerAndRoutesAndShareClusters() throws Exception {
    XdsState state =
        new XdsState(
            7,
            List.of(new XdsState.Fleet("edge", 8443), new XdsState.Fleet("default", 10000)),
            List.of(
                new XdsState.Provider("openai", "openai", "https://api.openai.com"),
                new XdsState.Provider(
                    "gemini", "gemini", "https://generativelanguage.googleapis.com")));

    Map<String, FleetSnapshot> snapshots = assembler.assemble(state);

    assertThat(snapshots.keySet()).containsExactly("default", "edge");
    assertThat(snapshots.get("edge").listeners().resources()).containsOnlyKeys("listener_edge");
    assertThat(snapshots.get("edge").routes().resources()).containsOnlyKeys("routes_edge");
    assertThat(snapshots.get("edge").clusters().versionedResources())
        .isEqualTo(snapshots.get("default").clusters().versionedResources());
    Golden.assertMatches("two_fleets/default.json", XdsJson.snapshot(snapshots.get("default")));
    Golden.assertMatches("two_fleets/edge.json", XdsJson.snapshot(snapshots.get("edge")));
  }

  @Test
  void sameStateGivesSameResourcesAndVersions() throws Exception {
    XdsState state =
        new XdsState(9, List.of(new XdsState.Fleet("default", 10000)), SEVERAL_PROVIDERS);
    XdsState shuffled =
        new XdsState(
            9, List.of(new XdsState.Fleet("default", 10000)), SEVERAL_PROVIDERS.reversed());

    String first = XdsJson.snapshot(assembler.assemble(state).get("default"));
    String second =
        XdsJson.snapshot(new SnapshotAssembler(EXT_PROC).assemble(shuffled).get("default"));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void everyProviderRouteHasItsClusterAndHostRewriteAndTheLastRouteIsTheOpenAi404()
      throws Exception {
    XdsState state =
        new XdsState(3, List.of(new XdsState.Fleet("default", 10000)), SEVERAL_PROVIDERS);

    FleetSnapshot snapshot = assembler.assemble(state).get("default");

    List<Route> routes =
        snapshot.routes().resources().get("routes_default").getVirtualHosts(0).getRoutesList();
    assertThat(routes).hasSize(SEVERAL_PROVIDERS.size() + 1);
    for (Route route : routes.subList(0, routes.size() - 1)) {
      assertThat(snapshot.clusters().resources()).containsKey(route.getRoute().getCluster());
      assertThat(route.getMatch().getHeaders(0).getName()).isEqualTo("x-gateway-provider");
      assertThat(route.getRoute().getHostRewriteLiteral()).isNotEmpty();
    }
    Route last = routes.getLast();
    assertThat(last.getDirectResponse().getStatus()).isEqualTo(404);
    assertThat(last.getDirectResponse().getBody().getInlineString())
        .contains("\"error\"")
        .contains("model_not_found");
    Cluster extProc = snapshot.clusters().resources().get("ai_gateway_ext_proc");
    assertThat(extProc.getTypedExtensionProtocolOptionsMap())
        .containsKey(ClusterFactory.PROTOCOL_OPTIONS_KEY);
  }

  @Test
  void aProviderWithAnUnusableBaseUrlIsLeftOutWithoutDroppingTheOthers() throws Exception {
    XdsState state =
        new XdsState(
            3,
            List.of(new XdsState.Fleet("default", 10000)),
            List.of(
                new XdsState.Provider("broken", "openai", "ftp://example.com"),
                new XdsState.Provider("openai", "openai", "https://api.openai.com")));

    FleetSnapshot snapshot = assembler.assemble(state).get("default");

    assertThat(snapshot.clusters().resources())
        .containsOnlyKeys("ai_gateway_ext_proc", "provider_openai");
  }

  @Test
  void noFleetsGivesNoSnapshots() throws Exception {
    assertThat(assembler.assemble(new XdsState(1, List.of(), SEVERAL_PROVIDERS))).isEmpty();
  }
}
