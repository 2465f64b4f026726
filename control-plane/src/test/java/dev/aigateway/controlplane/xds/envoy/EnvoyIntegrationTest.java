package dev.aigateway.controlplane.xds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.xds.BootstrapYaml;
import dev.aigateway.controlplane.xds.FleetNodes;
import dev.aigateway.controlplane.xds.XdsServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.jooq.Tables;
import dev.aigateway.db.testing.PostgresExtension;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Boots the official Envoy image from the generated bootstrap against this control plane, then
 * checks the config Envoy accepted ({@code /config_dump}) and a request through its listener.
 *
 * <p>Needs a Docker engine: without one (as on the build machines) the class is skipped with
 * Testcontainers' reason "disabledWithoutDocker is true and Docker is not available".
 */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(PostgresExtension.class)
class EnvoyIntegrationTest {
  private static final String ENVOY_IMAGE = "envoyproxy/envoy:v1.35.0";
  private static final String HOST_FROM_CONTAINER = "host.testcontainers.internal";
  private static final int LISTENER_PORT = 10000;

  @Test
  void envoyBootsFromTheBootstrapAndRoutesThroughTheGeneratedConfig(Database db) throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"upstream\":\"reached\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    Server extProc =
        NettyServerBuilder.forAddress(new InetSocketAddress("0.0.0.0", 0))
            .addService(new StubExtProc("upstream"))
            .build()
            .start();
    int upstreamPort = upstream.getAddress().getPort();
    db.dsl()
        .transaction(
            c -> {
              var tx = DSL.using(c);
              tx.insertInto(Tables.PROVIDERS)
                  .set(Tables.PROVIDERS.ID, UUID.randomUUID())
                  .set(Tables.PROVIDERS.NAME, "upstream")
                  .set(Tables.PROVIDERS.SCHEMA, "openai_compatible")
                  .set(
                      Tables.PROVIDERS.BASE_URL,
                      "http://" + HOST_FROM_CONTAINER + ":" + upstreamPort + "/v1")
                  .execute();
              // A model on it: Envoy must accept the model cluster (priority levels, endpoint
              // hostname and metadata, upstream ext_proc + upstream_codec) and its retry policy.
              UUID model = UUID.randomUUID();
              tx.insertInto(Tables.MODELS)
                  .set(Tables.MODELS.ID, model)
                  .set(Tables.MODELS.NAME, "it-model")
                  .execute();
              tx.insertInto(Tables.MODEL_TARGETS)
                  .set(Tables.MODEL_TARGETS.ID, UUID.randomUUID())
                  .set(Tables.MODEL_TARGETS.MODEL_ID, model)
                  .set(
                      Tables.MODEL_TARGETS.PROVIDER_ID,
                      tx.select(Tables.PROVIDERS.ID)
                          .from(Tables.PROVIDERS)
                          .where(Tables.PROVIDERS.NAME.eq("upstream"))
                          .fetchSingle(Tables.PROVIDERS.ID))
                  .set(Tables.MODEL_TARGETS.UPSTREAM_MODEL, "m")
                  .set(Tables.MODEL_TARGETS.WEIGHT, 1)
                  .set(Tables.MODEL_TARGETS.PRIORITY, 0)
                  .set(Tables.MODEL_TARGETS.POSITION, 0)
                  .execute();
              ConfigRevisions.bump(tx);
            });
    try (XdsServer xds =
        XdsServer.start(
            new ControlPlaneSettings(
                "0.0.0.0",
                0,
                0,
                HOST_FROM_CONTAINER,
                extProc.getPort(),
                "token",
                "replica-it",
                new byte[32],
                java.util.List.of()),
            db,
            new SimpleMeterRegistry())) {
      org.testcontainers.Testcontainers.exposeHostPorts(
          xds.port(), extProc.getPort(), upstreamPort);
      String bootstrap =
          BootstrapYaml.render(
                  new BootstrapYaml.Params(
                      "default", "envoy-it", HOST_FROM_CONTAINER, xds.port(), 9901))
              // Only so the test can read /config_dump from outside the container.
              .replace(
                  "address: 127.0.0.1\n      port_value: 9901",
                  "address: 0.0.0.0\n      port_value: 9901");
      assertThat(bootstrap).contains("address: 0.0.0.0");
      try (GenericContainer<?> envoy =
          new GenericContainer<>(ENVOY_IMAGE)
              .withCopyToContainer(Transferable.of(bootstrap), "/etc/envoy/envoy.yaml")
              .withCommand("envoy", "-c", "/etc/envoy/envoy.yaml", "-l", "info")
              .withExposedPorts(9901, LISTENER_PORT)
              .waitingFor(
                  Wait.forHttp("/ready")
                      .forPort(9901)
                      .withStartupTimeout(Duration.ofSeconds(60)))) {
        envoy.start();
        HttpClient http = HttpClient.newHttpClient();
        String admin = "http://" + envoy.getHost() + ":" + envoy.getMappedPort(9901);
        String dump =
            http.send(
                    HttpRequest.newBuilder(URI.create(admin + "/config_dump")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        String version = Long.toString(ConfigRevisions.current(db.dsl()));
        assertThat(dump)
            .contains("\"listener_default\"")
            .contains("\"routes_default\"")
            .contains("\"provider_upstream\"")
            .contains("\"model_it-model\"")
            .contains("envoy.filters.http.upstream_codec")
            .contains("envoy.retry_priorities.previous_priorities")
            .contains("\"ai_gateway_ext_proc\"")
            .contains("\"version_info\": \"" + version + "\"")
            .contains("envoy.filters.http.ext_proc");

        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://"
                                + envoy.getHost()
                                + ":"
                                + envoy.getMappedPort(LISTENER_PORT)
                                + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"any\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"upstream\":\"reached\"}");

        FleetNodes.Node node =
            new FleetNodes(db.dsl())
                .ofFleet("default").stream()
                    .filter(n -> n.nodeId().equals("envoy-it"))
                    .findFirst()
                    .orElseThrow();
        assertThat(node.ackedVersions()).containsValue(version);
        assertThat(node.lastNack()).isNull();
      }
    } finally {
      extProc.shutdownNow();
      upstream.stop(0);
    }
  }

  /**
   * An https provider behind a private CA (its {@code ca_bundle} setting) is verified and reached
   * by a real Envoy; a client's x-envoy-* headers never reach it, and its account headers never
   * reach the client.
   */
  @Test
  void envoyReachesAnHttpsProviderThroughItsPrivateCaAndKeepsHeadersOnTheirSide(
      Database db, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    PrivateCa ca = PrivateCa.create(dir, HOST_FROM_CONTAINER);
    java.util.List<java.util.Map<String, String>> seen =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpsServer upstream =
        com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
    upstream.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ca.serverContext()));
    upstream.createContext(
        "/",
        exchange -> {
          java.util.Map<String, String> headers = new java.util.HashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
          seen.add(headers);
          byte[] body = "{\"upstream\":\"tls\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.getResponseHeaders().add("openai-organization", "org-shared");
          exchange.getResponseHeaders().add("set-cookie", "__cf_bm=1; path=/");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    Server extProc =
        NettyServerBuilder.forAddress(new InetSocketAddress("0.0.0.0", 0))
            .addService(new StubExtProc("private"))
            .build()
            .start();
    int upstreamPort = upstream.getAddress().getPort();
    String settings =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(java.util.Map.of("ca_bundle", ca.pem()));
    db.dsl()
        .transaction(
            c -> {
              var tx = DSL.using(c);
              tx.insertInto(Tables.PROVIDERS)
                  .set(Tables.PROVIDERS.ID, UUID.randomUUID())
                  .set(Tables.PROVIDERS.NAME, "private")
                  .set(Tables.PROVIDERS.SCHEMA, "openai_compatible")
                  .set(
                      Tables.PROVIDERS.BASE_URL,
                      "https://" + HOST_FROM_CONTAINER + ":" + upstreamPort + "/v1")
                  .set(Tables.PROVIDERS.SETTINGS, org.jooq.JSONB.valueOf(settings))
                  .execute();
              ConfigRevisions.bump(tx);
            });
    try (XdsServer xds =
        XdsServer.start(
            new ControlPlaneSettings(
                "0.0.0.0",
                0,
                0,
                HOST_FROM_CONTAINER,
                extProc.getPort(),
                "token",
                "replica-it-tls",
                new byte[32],
                java.util.List.of()),
            db,
            new SimpleMeterRegistry())) {
      org.testcontainers.Testcontainers.exposeHostPorts(
          xds.port(), extProc.getPort(), upstreamPort);
      String bootstrap =
          BootstrapYaml.render(
              new BootstrapYaml.Params(
                  "default", "envoy-it-tls", HOST_FROM_CONTAINER, xds.port(), 9901));
      try (GenericContainer<?> envoy =
          new GenericContainer<>(ENVOY_IMAGE)
              .withCopyToContainer(Transferable.of(bootstrap), "/etc/envoy/envoy.yaml")
              .withCommand("envoy", "-c", "/etc/envoy/envoy.yaml", "-l", "info")
              .withExposedPorts(LISTENER_PORT)
              .waitingFor(
                  Wait.forListeningPorts(LISTENER_PORT)
                      .withStartupTimeout(Duration.ofSeconds(60)))) {
        envoy.start();
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://"
                                    + envoy.getHost()
                                    + ":"
                                    + envoy.getMappedPort(LISTENER_PORT)
                                    + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .header("x-forwarded-for", "10.0.0.7")
                        .header("x-envoy-retry-on", "5xx")
                        .header("x-envoy-max-retries", "5")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"any\"}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"upstream\":\"tls\"}");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst())
            .doesNotContainKeys(
                "x-envoy-retry-on", "x-envoy-max-retries", "x-envoy-expected-rq-timeout-ms");
        assertThat(seen.getFirst().get("host")).isEqualTo(HOST_FROM_CONTAINER + ":" + upstreamPort);
        assertThat(response.headers().firstValue("openai-organization")).isEmpty();
        assertThat(response.headers().firstValue("set-cookie")).isEmpty();
        assertThat(response.headers().firstValue("server")).isEmpty();
        assertThat(response.headers().firstValue("x-envoy-upstream-service-time")).isEmpty();
      }
    } finally {
      extProc.shutdownNow();
      upstream.stop(0);
    }
  }
}
