package dev.aigateway.proxy;

import static dev.aigateway.proxy.ProxyHarness.routeTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XdsConfigTest {

  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String EDS =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  private ProxyHarness h;

  @BeforeEach
  void start() throws Exception {
    h = new ProxyHarness();
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setRequestBody(
                        BodyResponse.newBuilder()
                            .setResponse(
                                CommonResponse.newBuilder()
                                    .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                                    .setClearRouteCache(true)))
                    .build());
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };
  }

  @AfterEach
  void stop() throws Exception {
    h.close();
  }

  @Test
  void acksEachTypeWithVersionAndNonceAndTheNode() throws Exception {
    var ack = h.awaitRequest(r -> r.getTypeUrl().equals(RDS) && r.getVersionInfo().equals("1"));

    assertThat(ack.getResponseNonce()).isNotEmpty();
    assertThat(ack.getResourceNamesList()).containsExactly("routes_default");
    assertThat(ack.getNode().getId()).isEqualTo("node-1");
    assertThat(ack.getNode().getCluster()).isEqualTo("default");
    assertThat(h.proxy.ackedVersions())
        .containsEntry(CDS, "1")
        .containsEntry(LDS, "1")
        .containsEntry(RDS, "1");
    assertThat(h.proxy.listenerPorts()).containsEntry("listener_default", h.port);
  }

  @Test
  void invalidListenerIsNackedAndTheLastGoodConfigKeepsServing() throws Exception {
    h.push(h.shape.withVersion("2").broken());

    var nack = h.awaitRequest(r -> r.getTypeUrl().equals(LDS) && r.hasErrorDetail());

    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getResponseNonce()).isNotEmpty();
    assertThat(nack.getErrorDetail().getMessage()).contains("missing router filter");
    assertThat(h.proxy.ackedVersions()).containsEntry(LDS, "1").containsEntry(CDS, "2");
    assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(200);
  }

  @Test
  void configUpdateDoesNotDropRequestsInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    h.upstream.handler =
        ex -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          FakeUpstream.ok(ex);
        };
    var inFlight =
        h.client.sendAsync(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + h.port + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    while (h.upstream.received.isEmpty()) {
      Thread.sleep(5);
    }
    try (FakeUpstream second = new FakeUpstream()) {
      h.push(
          h.shape
              .withVersion("2")
              .withProviders(
                  List.of(
                      new EnvoyConfigs.Provider(
                          "openai", second.port(), null, "api.openai.test"))));
      h.awaitRequest(r -> r.getTypeUrl().equals(RDS) && r.getVersionInfo().equals("2"));
      h.awaitRequest(r -> r.getTypeUrl().equals(CDS) && r.getVersionInfo().equals("2"));

      release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(200);
      assertThat(second.received).hasSize(1);
      assertThat(h.upstream.received).hasSize(1);
    }
  }

  @Test
  void edsClusterServesOnceItsEndpointsArrive() throws Exception {
    try (FakeUpstream viaEds = new FakeUpstream()) {
      h.push(
          h.shape
              .withVersion("2")
              .withProviders(
                  List.of(
                      new EnvoyConfigs.Provider(
                          "openai", viaEds.port(), null, "api.openai.test", true))));
      var edsAck =
          h.awaitRequest(r -> r.getTypeUrl().equals(EDS) && r.getVersionInfo().equals("2"));
      h.awaitRequest(r -> r.getTypeUrl().equals(RDS) && r.getVersionInfo().equals("2"));

      assertThat(edsAck.getResourceNamesList()).containsExactly("provider_openai");
      assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(200);
      assertThat(viaEds.received).hasSize(1);
    }
  }
}
