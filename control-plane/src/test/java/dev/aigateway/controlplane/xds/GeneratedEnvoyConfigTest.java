package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads the snapshot generated for a fleet with https providers and checks each setting a real
 * Envoy needs (issue 15; ENVOY-FACTS.md section 12 has the sources).
 */
class GeneratedEnvoyConfigTest {
  private static final String PRIVATE_CA =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final EnvoyOptions OPTIONS =
      new EnvoyOptions(
          32L * 1024 * 1024, "/etc/pki/tls/certs/ca-bundle.crt", 1, Duration.ofMinutes(90));

  private final FleetSnapshot snapshot = snapshot();

  private static FleetSnapshot snapshot() {
    try {
      return new SnapshotAssembler(new ExtProcTarget("10.0.0.9", 18001), OPTIONS)
          .assemble(
              new XdsState(
                  5,
                  List.of(new XdsState.Fleet("default", 10000)),
                  List.of(
                      new XdsState.Provider("openai", "openai", "https://api.openai.com/v1"),
                      new XdsState.Provider(
                          "vllm", "openai_compatible", "https://vllm.corp:8443/v1", PRIVATE_CA),
                      new XdsState.Provider("local", "openai_compatible", "http://10.1.1.1:8000"))))
          .get("default");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void httpsProvidersTrustAFileOrTheirOwnBundleAndKeepTheSanCheck() throws Exception {
    CertificateValidationContext openai = validation("provider_openai");
    assertThat(openai.hasSystemRootCerts()).isFalse();
    assertThat(openai.getTrustedCa().getFilename()).isEqualTo("/etc/pki/tls/certs/ca-bundle.crt");
    assertThat(openai.getMatchTypedSubjectAltNames(0).getMatcher().getExact())
        .isEqualTo("api.openai.com");

    CertificateValidationContext vllm = validation("provider_vllm");
    assertThat(vllm.getTrustedCa().getInlineString()).isEqualTo(PRIVATE_CA);
    assertThat(vllm.getMatchTypedSubjectAltNames(0).getMatcher().getExact()).isEqualTo("vllm.corp");
  }

  @Test
  void anHttpsProviderAddressedByIpIsCheckedAgainstAnIpSanAndSendsNoSni() throws Exception {
    UpstreamTlsContext tls =
        new SnapshotAssembler(new ExtProcTarget("127.0.0.1", 18001))
            .assemble(
                new XdsState(
                    1,
                    List.of(new XdsState.Fleet("default", 10000)),
                    List.of(
                        new XdsState.Provider("vllm", "openai_compatible", "https://10.2.3.4"))))
            .get("default")
            .clusters()
            .resources()
            .get("provider_vllm")
            .getTransportSocket()
            .getTypedConfig()
            .unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEmpty();
    var san = tls.getCommonTlsContext().getValidationContext().getMatchTypedSubjectAltNames(0);
    assertThat(san.getSanType())
        .isEqualTo(
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher.SanType
                .IP_ADDRESS);
    assertThat(san.getMatcher().getExact()).isEqualTo("10.2.3.4");
  }

  @Test
  void defaultTrustIsTheCaFileOfTheOfficialEnvoyImage() throws Exception {
    FleetSnapshot defaults =
        new SnapshotAssembler(new ExtProcTarget("127.0.0.1", 18001))
            .assemble(
                new XdsState(
                    1,
                    List.of(new XdsState.Fleet("default", 10000)),
                    List.of(new XdsState.Provider("openai", "openai", "https://api.openai.com"))))
            .get("default");
    UpstreamTlsContext tls =
        defaults
            .clusters()
            .resources()
            .get("provider_openai")
            .getTransportSocket()
            .getTypedConfig()
            .unpack(UpstreamTlsContext.class);
    assertThat(tls.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename())
        .isEqualTo("/etc/ssl/certs/ca-certificates.crt");
  }

  @Test
  void schemeFollowsTheUpstreamAndClientsCannotDriveEnvoy() throws Exception {
    HttpConnectionManager hcm = hcm();
    assertThat(hcm.getSchemeHeaderTransformation().getMatchUpstream()).isTrue();
    assertThat(hcm.getUseRemoteAddress().getValue()).isTrue();
    assertThat(hcm.getXffNumTrustedHops()).isEqualTo(1);
    assertThat(hcm.hasInternalAddressConfig()).isTrue();
    // Non-empty, so no Envoy version falls back to "RFC 1918 is internal"; matches no peer.
    assertThat(hcm.getInternalAddressConfig().getCidrRangesList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getAddressPrefix()).isEqualTo("0.0.0.0");
              assertThat(r.getPrefixLen().getValue()).isEqualTo(32);
            });
    assertThat(hcm.getServerHeaderTransformation())
        .isEqualTo(HttpConnectionManager.ServerHeaderTransformation.PASS_THROUGH);
    Router router = hcm.getHttpFilters(1).getTypedConfig().unpack(Router.class);
    assertThat(router.getSuppressEnvoyHeaders()).isTrue();
    ExternalProcessor extProc =
        hcm.getHttpFilters(0).getTypedConfig().unpack(ExternalProcessor.class);
    assertThat(extProc.getMutationRules().getAllowEnvoy().getValue()).isTrue();
  }

  @Test
  void oneBodyLimitFeedsTheListenerAndEveryCluster() throws Exception {
    int expected = (int) (OPTIONS.bodyLimitBytes() + (1 << 20));
    assertThat(listener().getPerConnectionBufferLimitBytes().getValue()).isEqualTo(expected);
    for (Cluster cluster : snapshot.clusters().resources().values()) {
      assertThat(cluster.getPerConnectionBufferLimitBytes().getValue())
          .as(cluster.getName())
          .isEqualTo(expected);
    }
  }

  @Test
  void providerRoutesHaveNoIdleTimeoutAndAHardCap() {
    for (Route route : providerRoutes()) {
      assertThat(route.getRoute().getIdleTimeout().getSeconds()).isZero();
      assertThat(route.getRoute().hasIdleTimeout()).isTrue();
      assertThat(route.getRoute().getTimeout().getSeconds()).isZero();
      assertThat(route.getRoute().getMaxStreamDuration().getMaxStreamDuration().getSeconds())
          .isEqualTo(90 * 60);
    }
  }

  @Test
  void httpsProvidersNegotiateTheProtocolByAlpn() throws Exception {
    Cluster openai = snapshot.clusters().resources().get("provider_openai");
    HttpProtocolOptions options =
        openai
            .getTypedExtensionProtocolOptionsOrThrow(ClusterFactory.PROTOCOL_OPTIONS_KEY)
            .unpack(HttpProtocolOptions.class);
    assertThat(options.hasAutoConfig()).isTrue();
    assertThat(options.getAutoConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(
            openai
                .getTransportSocket()
                .getTypedConfig()
                .unpack(UpstreamTlsContext.class)
                .getCommonTlsContext()
                .getAlpnProtocolsList())
        .containsExactly("h2", "http/1.1");
    Cluster local = snapshot.clusters().resources().get("provider_local");
    assertThat(
            local
                .getTypedExtensionProtocolOptionsOrThrow(ClusterFactory.PROTOCOL_OPTIONS_KEY)
                .unpack(HttpProtocolOptions.class)
                .getExplicitHttpConfig()
                .hasHttpProtocolOptions())
        .isTrue();
  }

  @Test
  void extProcClusterPingsAndEjectsAFailingReplica() throws Exception {
    Cluster extProc = snapshot.clusters().resources().get(XdsNames.EXT_PROC_CLUSTER);
    var keepalive =
        extProc
            .getTypedExtensionProtocolOptionsOrThrow(ClusterFactory.PROTOCOL_OPTIONS_KEY)
            .unpack(HttpProtocolOptions.class)
            .getExplicitHttpConfig()
            .getHttp2ProtocolOptions()
            .getConnectionKeepalive();
    assertThat(keepalive.getInterval().getSeconds()).isEqualTo(30);
    assertThat(keepalive.getTimeout().getSeconds()).isEqualTo(5);
    assertThat(extProc.getOutlierDetection().getConsecutiveGatewayFailure().getValue())
        .isEqualTo(5);
    assertThat(extProc.getOutlierDetection().getMaxEjectionPercent().getValue()).isEqualTo(50);
  }

  @Test
  void hostRewriteKeepsANonDefaultPort() {
    assertThat(providerRoutes())
        .extracting(r -> r.getRoute().getHostRewriteLiteral())
        .containsExactly("10.1.1.1:8000", "api.openai.com", "vllm.corp:8443");
  }

  @Test
  void providerPrivateResponseHeadersAreRemoved() {
    RouteConfiguration routes = snapshot.routes().resources().get("routes_default");
    assertThat(routes.getVirtualHosts(0).getResponseHeadersToRemoveList())
        .contains(
            "openai-organization",
            "openai-project",
            "set-cookie",
            "x-ratelimit-remaining-tokens",
            "anthropic-organization-id",
            "cf-ray",
            "server",
            "x-envoy-upstream-service-time");
    assertThat(routes.getVirtualHosts(0).getRequestHeadersToRemoveList())
        .contains(XdsNames.PROVIDER_HEADER);
  }

  private CertificateValidationContext validation(String cluster) throws Exception {
    return snapshot
        .clusters()
        .resources()
        .get(cluster)
        .getTransportSocket()
        .getTypedConfig()
        .unpack(UpstreamTlsContext.class)
        .getCommonTlsContext()
        .getValidationContext();
  }

  private Listener listener() {
    return snapshot.listeners().resources().get("listener_default");
  }

  private HttpConnectionManager hcm() throws Exception {
    // The HCM is the chain's last network filter (connection_limit comes first).
    return listener()
        .getFilterChains(0)
        .getFiltersList()
        .getLast()
        .getTypedConfig()
        .unpack(HttpConnectionManager.class);
  }

  private List<Route> providerRoutes() {
    List<Route> routes =
        snapshot.routes().resources().get("routes_default").getVirtualHosts(0).getRoutesList();
    return routes.subList(0, routes.size() - 1);
  }
}
