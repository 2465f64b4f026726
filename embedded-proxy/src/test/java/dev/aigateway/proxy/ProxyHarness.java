package dev.aigateway.proxy;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.TrustManagerFactory;

/** Control plane, ext_proc and one upstream on ephemeral ports, plus the proxy under test. */
final class ProxyHarness implements AutoCloseable {

  final XdsTestServer xds;
  final FakeExtProc extProc;
  final FakeUpstream upstream;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  EmbeddedProxy proxy;
  EnvoyConfigs.Shape shape;
  int port;

  ProxyHarness() throws Exception {
    this(new FakeUpstream(), null, null);
  }

  ProxyHarness(FakeUpstream upstream, String sni, TrustManagerFactory trust) throws Exception {
    xds = new XdsTestServer();
    extProc = new FakeExtProc();
    this.upstream = upstream;
    shape =
        EnvoyConfigs.shape(
            extProc.port(),
            new EnvoyConfigs.Provider("openai", upstream.port(), sni, "api.openai.test"));
    xds.set(EnvoyConfigs.FLEET, EnvoyConfigs.snapshot(shape));
    proxy =
        EmbeddedProxy.start(
            ProxySettings.of("127.0.0.1", xds.port(), "node-1", EnvoyConfigs.FLEET)
                .withListenerPort(0)
                .withTrustManager(trust)
                .withDrainTimeout(Duration.ofSeconds(5)));
    try {
      port = proxy.awaitListener(Duration.ofSeconds(10));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("proxy not ready; xDS requests seen: " + xds.requests, e);
    }
  }

  void push(EnvoyConfigs.Shape next) {
    shape = next;
    xds.set(EnvoyConfigs.FLEET, EnvoyConfigs.snapshot(next));
  }

  /** Waits until the control plane saw a request matching the predicate. */
  DiscoveryRequest awaitRequest(Predicate<DiscoveryRequest> p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (DiscoveryRequest r : xds.requests) {
        if (p.test(r)) {
          return r;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no matching xDS request among " + xds.requests.size());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HeaderValueOption header(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(
            HeaderValue.newBuilder()
                .setKey(name)
                .setRawValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)))
        .build();
  }

  /** The mutation the gateway's ext_proc makes to route to a provider. */
  static HeaderMutation routeTo(String provider, String path) {
    return HeaderMutation.newBuilder()
        .addSetHeaders(header("x-gateway-provider", provider))
        .addSetHeaders(header(":path", path))
        .build();
  }

  @Override
  public void close() {
    proxy.close();
    extProc.close();
    upstream.close();
    xds.close();
  }
}
