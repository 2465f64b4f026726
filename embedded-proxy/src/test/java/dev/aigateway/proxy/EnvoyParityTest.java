package dev.aigateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in refuses or behaves like Envoy for each setting the control plane emits (issue 15).
 * Each test names the Envoy source it follows.
 */
class EnvoyParityTest {
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private ProxyHarness h;
  private int version = 1;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private void start(ProxyHarness harness) {
    h = harness;
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(routeAnswer());
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };
  }

  private static ProcessingResponse routeAnswer() {
    return ProcessingResponse.newBuilder()
        .setRequestBody(
            BodyResponse.newBuilder()
                .setResponse(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(ProxyHarness.routeTo("openai", "/v1/chat/completions"))
                        .setClearRouteCache(true)))
        .build();
  }

  /** Pushes the harness config changed by the operators and waits until the proxy took it. */
  private void push(
      UnaryOperator<HttpConnectionManager> hcm,
      UnaryOperator<RouteConfiguration> routes,
      UnaryOperator<Cluster> provider,
      long listenerBufferLimit)
      throws Exception {
    version++;
    String v = Integer.toString(version);
    Snapshot base = EnvoyConfigs.snapshot(h.shape.withVersion(v));
    List<Cluster> clusters = new ArrayList<>();
    for (Cluster c : base.clusters().resources().values()) {
      clusters.add(c.getName().startsWith("provider_") ? provider.apply(c) : c);
    }
    List<Listener> listeners = new ArrayList<>();
    for (Listener l : base.listeners().resources().values()) {
      var chain = l.getFilterChains(0);
      var filter = chain.getFilters(0);
      HttpConnectionManager changed =
          hcm.apply(filter.getTypedConfig().unpack(HttpConnectionManager.class));
      listeners.add(
          l.toBuilder()
              .setPerConnectionBufferLimitBytes(UInt32Value.of((int) listenerBufferLimit))
              .setFilterChains(
                  0,
                  chain.toBuilder()
                      .setFilters(0, filter.toBuilder().setTypedConfig(Any.pack(changed))))
              .build());
    }
    List<RouteConfiguration> rcs = base.routes().resources().values().stream().map(routes).toList();
    h.xds.set(
        EnvoyConfigs.FLEET, Snapshot.create(clusters, List.of(), listeners, rcs, List.of(), v));
    h.awaitRequest(
        r -> r.getVersionInfo().equals(v) && r.getTypeUrl().endsWith("RouteConfiguration"));
    h.awaitRequest(r -> r.getVersionInfo().equals(v) && r.getTypeUrl().endsWith("Listener"));
  }

  private void push(UnaryOperator<HttpConnectionManager> hcm, UnaryOperator<RouteConfiguration> rc)
      throws Exception {
    push(hcm, rc, c -> c, 50 * 1024 * 1024);
  }

  private static HttpConnectionManager gatewayHcm(HttpConnectionManager hcm) {
    // What the control plane emits (ClientTrust, ListenerFactory.router()).
    List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter>
        filters = new ArrayList<>(hcm.getHttpFiltersList());
    for (int i = 0; i < filters.size(); i++) {
      if (filters.get(i).getTypedConfig().getTypeUrl().endsWith("Router")) {
        filters.set(
            i,
            filters.get(i).toBuilder()
                .setTypedConfig(Any.pack(Router.newBuilder().setSuppressEnvoyHeaders(true).build()))
                .build());
      }
    }
    return hcm.toBuilder()
        .clearHttpFilters()
        .addAllHttpFilters(filters)
        .setUseRemoteAddress(BoolValue.of(true))
        .setInternalAddressConfig(
            HttpConnectionManager.InternalAddressConfig.newBuilder()
                .addCidrRanges(
                    io.envoyproxy.envoy.config.core.v3.CidrRange.newBuilder()
                        .setAddressPrefix("0.0.0.0")
                        .setPrefixLen(UInt32Value.of(32))))
        .setServerHeaderTransformation(
            HttpConnectionManager.ServerHeaderTransformation.PASS_THROUGH)
        .setAlwaysSetRequestIdInResponse(true)
        .build();
  }

  private HttpResponse<String> post(String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port + "/v1/chat/completions"))
            .header("content-type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return h.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  // conn_manager_utility.cc mutateRequestHeaders: without use_remote_address, a private address
  // in x-forwarded-for makes the request internal and its x-envoy-* headers are obeyed.
  @Test
  void withEnvoysDefaultsAClientClaimingAPrivateAddressKeepsItsRetryHeaders() throws Exception {
    start(new ProxyHarness());

    HttpResponse<String> r = post("{}", "x-forwarded-for", "10.1.2.3", "x-envoy-retry-on", "5xx");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.upstream.received.getLast().header("x-envoy-retry-on")).isEqualTo("5xx");
    // router.cc: without suppress_envoy_headers the router tells the upstream its timeout and
    // the client how long the upstream took; the HCM names itself in `server`.
    assertThat(h.upstream.received.getLast().header("x-envoy-expected-rq-timeout-ms")).isNotNull();
    assertThat(r.headers().firstValue("x-envoy-upstream-service-time")).isPresent();
    assertThat(r.headers().firstValue("server")).hasValue("envoy");
  }

  // conn_manager_utility.cc: use_remote_address + an explicit, empty internal_address_config
  // makes every client external, so its x-envoy-* headers are removed before any filter;
  // router.proto suppress_envoy_headers; HCM server_header_transformation PASS_THROUGH.
  @Test
  void theGatewaysListenerSettingsStripClientEnvoyHeadersAndAddNone() throws Exception {
    start(new ProxyHarness());
    push(EnvoyParityTest::gatewayHcm, rc -> rc);

    HttpResponse<String> r =
        post(
            "{}",
            "x-forwarded-for",
            "10.1.2.3",
            "x-envoy-retry-on",
            "5xx",
            "x-envoy-max-retries",
            "9",
            "x-envoy-upstream-rq-timeout-ms",
            "1",
            "x-request-id",
            "client-chosen");

    assertThat(r.statusCode()).isEqualTo(200);
    FakeUpstream.Received sent = h.upstream.received.getLast();
    assertThat(sent.header("x-envoy-retry-on")).isNull();
    assertThat(sent.header("x-envoy-max-retries")).isNull();
    assertThat(sent.header("x-envoy-upstream-rq-timeout-ms")).isNull();
    assertThat(sent.header("x-envoy-expected-rq-timeout-ms")).isNull();
    assertThat(sent.header("x-forwarded-for")).isEqualTo("10.1.2.3,127.0.0.1");
    // The ext_proc saw the request id Envoy generated, not the client's.
    ProcessingRequest first = h.extProc.received.getFirst();
    assertThat(first.getRequestHeaders().getHeaders().getHeadersList())
        .anyMatch(hv -> hv.getKey().equals("x-request-id"))
        .noneMatch(hv -> hv.getRawValue().toStringUtf8().equals("client-chosen"));
    assertThat(r.headers().firstValue("x-envoy-upstream-service-time")).isEmpty();
    assertThat(r.headers().firstValue("server")).isEmpty();
  }

  // http_connection_manager.proto always_set_request_id_in_response; conn_manager_utility.cc
  // mutateResponseHeaders: the response carries the id the request went on with (here the one
  // Envoy generated in place of the client's), replacing any the upstream sent.
  @Test
  void theResponseCarriesTheRequestIdTheExtProcSaw() throws Exception {
    start(new ProxyHarness());
    push(EnvoyParityTest::gatewayHcm, rc -> rc);

    HttpResponse<String> r = post("{}", "x-request-id", "client-chosen");

    assertThat(r.statusCode()).isEqualTo(200);
    String seen =
        h.extProc.received.getFirst().getRequestHeaders().getHeaders().getHeadersList().stream()
            .filter(hv -> hv.getKey().equals("x-request-id"))
            .map(hv -> hv.getRawValue().toStringUtf8())
            .findFirst()
            .orElseThrow();
    assertThat(r.headers().firstValue("x-request-id")).hasValue(seen);
    assertThat(seen).isNotEqualTo("client-chosen");
  }

  @Test
  void withoutTheSettingTheResponseCarriesNoRequestIdOfItsOwn() throws Exception {
    start(new ProxyHarness());
    push(hcm -> hcm, rc -> rc);

    HttpResponse<String> r = post("{}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-request-id")).isEmpty();
  }

  // http_connection_manager/config.h InternalAddressConfig: an empty cidr_ranges falls back to
  // the RFC 1918 check, so it does not make a loopback/private client external.
  @Test
  void anEmptyInternalAddressConfigStillTreatsPrivateAndLoopbackClientsAsInternal()
      throws Exception {
    start(new ProxyHarness());
    push(
        hcm ->
            hcm.toBuilder()
                .setUseRemoteAddress(BoolValue.of(true))
                .setInternalAddressConfig(
                    HttpConnectionManager.InternalAddressConfig.getDefaultInstance())
                .build(),
        rc -> rc);

    assertThat(post("{}", "x-envoy-retry-on", "5xx").statusCode()).isEqualTo(200);
    assertThat(h.upstream.received.getLast().header("x-envoy-retry-on")).isEqualTo("5xx");
  }

  // route_components.proto request_headers_to_remove / response_headers_to_remove, applied by
  // the router (before the encoder filters see the response).
  @Test
  void routeConfigurationRemovesRequestAndResponseHeaders() throws Exception {
    FakeUpstream upstream = new FakeUpstream();
    upstream.handler =
        ex -> {
          ex.getResponseHeaders().add("set-cookie", "__cf_bm=1");
          ex.getResponseHeaders().add("openai-organization", "org-shared");
          FakeUpstream.ok(ex);
        };
    start(new ProxyHarness(upstream, null, null));
    push(
        hcm -> hcm,
        rc ->
            rc.toBuilder()
                .setVirtualHosts(
                    0,
                    rc.getVirtualHosts(0).toBuilder()
                        .addRequestHeadersToRemove("x-gateway-provider")
                        .addResponseHeadersToRemove("set-cookie")
                        .addResponseHeadersToRemove("openai-organization"))
                .build());

    HttpResponse<String> r = post("{}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.upstream.received.getLast().header("x-gateway-provider")).isNull();
    assertThat(r.headers().firstValue("set-cookie")).isEmpty();
    assertThat(r.headers().firstValue("openai-organization")).isEmpty();
    // The ext_proc never saw them either: removed before the encoder filters.
    assertThat(h.extProc.received)
        .filteredOn(ProcessingRequest::hasResponseHeaders)
        .allSatisfy(
            m ->
                assertThat(m.getResponseHeaders().getHeaders().getHeadersList())
                    .noneMatch(hv -> hv.getKey().equals("set-cookie")));
  }

  // conn_manager_impl.cc onIdleTimeout: a silent upstream gets 408 after stream_idle_timeout;
  // route_components.proto: a route idle_timeout of 0 turns it off for that route, and
  // max_stream_duration caps the exchange instead (router.cc onStreamMaxDurationReached).
  @Test
  void silentCompletionsGet408FromTheIdleTimerUnlessTheRouteTurnsItOff() throws Exception {
    FakeUpstream upstream = new FakeUpstream();
    upstream.handler =
        ex -> {
          sleep(1500);
          FakeUpstream.ok(ex);
        };
    start(new ProxyHarness(upstream, null, null));
    push(hcm -> hcm.toBuilder().setStreamIdleTimeout(EnvoyConfigs.millis(500)).build(), rc -> rc);
    assertThat(post("{}").statusCode()).isEqualTo(408);

    push(
        hcm -> hcm.toBuilder().setStreamIdleTimeout(EnvoyConfigs.millis(500)).build(),
        rc -> routeAction(rc, a -> a.setIdleTimeout(EnvoyConfigs.millis(0))));
    assertThat(post("{}").statusCode()).isEqualTo(200);

    push(
        hcm -> hcm,
        rc ->
            routeAction(
                rc,
                a ->
                    a.setIdleTimeout(EnvoyConfigs.millis(0))
                        .setMaxStreamDuration(
                            io.envoyproxy.envoy.config.route.v3.RouteAction.MaxStreamDuration
                                .newBuilder()
                                .setMaxStreamDuration(EnvoyConfigs.millis(500)))));
    HttpResponse<String> capped = post("{}");
    assertThat(capped.statusCode()).isEqualTo(408);
    assertThat(capped.body()).contains("max stream duration");
  }

  // filter_manager.cc requestDataTooLarge: a buffered body over the limit gets 413 as a local
  // reply, after the ext_proc saw the request headers, and the 413 passes the ext_proc's
  // response phase (so the gateway can give it the client API's error shape).
  @Test
  void aBodyOverTheBufferLimitIsA413ThroughTheExtProcNotBeforeIt() throws Exception {
    start(new ProxyHarness());
    push(hcm -> hcm, rc -> rc, c -> c, 64 * 1024);
    h.extProc.received.clear();

    HttpResponse<String> r = post("{\"pad\":\"" + "x".repeat(100 * 1024) + "\"}");

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(h.extProc.phases())
        .containsExactly(
            ProcessingRequest.RequestCase.REQUEST_HEADERS,
            ProcessingRequest.RequestCase.RESPONSE_HEADERS,
            ProcessingRequest.RequestCase.RESPONSE_BODY);
    assertThat(h.upstream.received).isEmpty();
  }

  // certificate_validation_context_config_impl.cc: SAN matchers without trusted_ca are refused
  // ("insecure and not allowed"), and system_root_certs is not implemented, so it does not help.
  @Test
  void aClusterWithSanChecksAndNoTrustedCaIsNacked() throws Exception {
    start(new ProxyHarness());
    push(
        hcm -> hcm,
        rc -> rc,
        c ->
            c.toBuilder()
                .setTransportSocket(
                    tls(
                        CertificateValidationContext.newBuilder()
                            .setSystemRootCerts(
                                CertificateValidationContext.SystemRootCerts.getDefaultInstance())
                            .addMatchTypedSubjectAltNames(san("api.openai.test"))))
                .build(),
        50 * 1024 * 1024);

    var nack = h.awaitRequest(r -> r.getTypeUrl().equals(CDS) && r.hasErrorDetail());
    assertThat(nack.getErrorDetail().getMessage())
        .contains("SAN-based verification of peer certificates without trusted CA");
  }

  // The trusted_ca a cluster names is the one it verifies with: a provider behind a private CA
  // is reached with its own bundle, though the proxy itself trusts nothing special.
  @Test
  void aProvidersOwnCaBundleIsWhatItsTlsIsVerifiedWith(@TempDir Path dir) throws Exception {
    TestCertificates certs = new TestCertificates(dir, "vllm.corp.test");
    FakeUpstream upstream = new FakeUpstream(certs.serverContext);
    start(new ProxyHarness(upstream, "vllm.corp.test", null));
    assertThat(post("{}").statusCode()).as("JDK trust store does not know the CA").isEqualTo(503);

    push(
        hcm -> hcm,
        rc -> rc,
        c ->
            c.toBuilder()
                .setTransportSocket(
                    tls(
                        CertificateValidationContext.newBuilder()
                            .setTrustedCa(DataSource.newBuilder().setInlineString(certs.pem))
                            .addMatchTypedSubjectAltNames(san("vllm.corp.test"))))
                .build(),
        50 * 1024 * 1024);

    assertThat(post("{}").statusCode()).isEqualTo(200);
  }

  private static TransportSocket tls(CertificateValidationContext.Builder validation) {
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(
            Any.pack(
                UpstreamTlsContext.newBuilder()
                    .setSni(validation.getMatchTypedSubjectAltNames(0).getMatcher().getExact())
                    .setCommonTlsContext(
                        CommonTlsContext.newBuilder().setValidationContext(validation))
                    .build()))
        .build();
  }

  private static SubjectAltNameMatcher san(String host) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(SubjectAltNameMatcher.SanType.DNS)
        .setMatcher(StringMatcher.newBuilder().setExact(host))
        .build();
  }

  private static RouteConfiguration routeAction(
      RouteConfiguration rc,
      UnaryOperator<io.envoyproxy.envoy.config.route.v3.RouteAction.Builder> change) {
    var vh = rc.getVirtualHosts(0).toBuilder();
    for (int i = 0; i < vh.getRoutesCount(); i++) {
      var route = vh.getRoutes(i);
      if (route.hasRoute()) {
        vh.setRoutes(i, route.toBuilder().setRoute(change.apply(route.getRoute().toBuilder())));
      }
    }
    return rc.toBuilder().setVirtualHosts(0, vh).build();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
