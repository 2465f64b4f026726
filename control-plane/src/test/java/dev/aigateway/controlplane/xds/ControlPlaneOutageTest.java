package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.lastgood.LastGood;
import dev.aigateway.controlplane.lastgood.LastGoodXdsFile;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.db.secret.SecretCipher;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL (on a fixed data directory and port) is stopped under a running control plane
 * and during a restart of it: the admin API answers 503 problem+json, {@code /readyz} says what is
 * degraded, the restarted control plane serves the last good Envoy config from disk, and when the
 * database is back everything is as before.
 */
class ControlPlaneOutageTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] key = new byte[32];
  private final String adminToken = Hashes.newToken("gw-admin-", 32);
  private @Nullable EmbeddedPostgres pg;
  private int pgPort;

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) {
      c.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aControlPlaneRestartedWhileTheDatabaseIsStoppedServesTheLastGoodConfig() throws Exception {
    new SecureRandom().nextBytes(key);
    try (ServerSocket s = new ServerSocket(0)) {
      pgPort = s.getLocalPort();
    }
    Path pgData = Files.createDirectories(tmp.resolve("pg"));
    Path dataDir = Files.createDirectories(tmp.resolve("data"));
    startPostgres(pgData);
    DatabaseSettings settings =
        new DatabaseSettings(
            "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", null, dataDir, 4);
    Database first = Database.connectWhenReachable(settings);
    cleanup.add(first);
    first.migrate();
    TestConfig.addProvider(first, "vllm", "openai_compatible", "http://10.1.2.3/v1");
    long revision = TestConfig.addModel(first, "qwen", new String[] {"vllm"}, new int[] {1});

    ControlPlane running = start(first, dataDir, null);
    awaitReadiness(running, "ready", b -> b.path("config").asText().equals("revision " + revision));
    LastGood saved = lastGoodFile(dataDir).load();
    assertThat(saved).isInstanceOf(LastGood.Loaded.class);
    assertThat(((LastGood.Loaded) saved).state().revision()).isEqualTo(revision);

    // The database stops under a running control plane.
    pg.close();
    pg = null;
    JsonNode degraded =
        awaitReadiness(running, "degraded", b -> b.path("database").asText().startsWith("unr"));
    assertThat(degraded.path("config").asText()).isEqualTo("revision " + revision);
    assertDatabaseDownProblem(call(running, "GET", "/api/v1/providers", null));
    assertDatabaseDownProblem(
        call(running, "POST", "/api/v1/teams", "{\"name\":\"written-during-outage\"}"));
    running.close();
    cleanup.remove(running);

    // Restarted during the outage: it starts from the sealed file, not from the database.
    LastGood.Loaded lastGood = (LastGood.Loaded) lastGoodFile(dataDir).load();
    Database second = Database.connectWhenReachable(settings);
    cleanup.add(second);
    ControlPlane restarted = start(second, dataDir, lastGood);
    JsonNode fromDisk = readiness(restarted);
    assertThat(fromDisk.path("status").asText()).isEqualTo("degraded");
    assertThat(fromDisk.path("database").asText()).startsWith("unreachable since ");
    assertThat(fromDisk.path("config").asText())
        .isEqualTo("last-good snapshot from " + lastGood.savedAt() + ", revision " + revision);
    assertDatabaseDownProblem(call(restarted, "GET", "/api/v1/providers", null));
    AdsClient envoy = ads(restarted, "envoy-during-outage");
    envoy.awaitVersion(Long.toString(revision), PATIENCE);
    // The model's own cluster (and its route) come from the saved models: without them every
    // model would be answered 404 until the database is back.
    assertThat(clusterNames(envoy)).contains("provider_vllm", XdsNames.modelCluster("qwen"));
    assertThat(routedModels(envoy)).contains("qwen");

    // The database is back: the control plane reads it again and the admin API works.
    startPostgres(pgData);
    awaitReadiness(
        restarted, "ready", b -> b.path("config").asText().equals("revision " + revision));
    assertThat(call(restarted, "GET", "/api/v1/providers", null).statusCode()).isEqualTo(200);
    HttpResponse<String> created =
        call(restarted, "POST", "/api/v1/teams", "{\"name\":\"written-after-outage\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    long next = TestConfig.addProvider(second, "later", "openai_compatible", "http://10.1.2.4/v1");
    envoy.awaitVersion(Long.toString(next), PATIENCE);
    assertThat(clusterNames(envoy)).contains("provider_vllm", "provider_later");
    // Written by the publisher right after it pushed the snapshot.
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (((LastGood.Loaded) lastGoodFile(dataDir).load()).state().revision() != next
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(((LastGood.Loaded) lastGoodFile(dataDir).load()).state().revision()).isEqualTo(next);
  }

  private void startPostgres(Path data) throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(pgPort)
            .start();
  }

  private LastGoodXdsFile lastGoodFile(Path dataDir) {
    return new LastGoodXdsFile(dataDir, new SecretCipher(key, List.of()), Clock.systemUTC());
  }

  private ControlPlane start(Database db, Path dataDir, LastGood.@Nullable Loaded lastGood) {
    ControlPlane cp =
        ControlPlane.start(
            new ControlPlaneSettings(
                    "127.0.0.1", 0, 0, "127.0.0.1", 18001, adminToken, "outage", key, List.of())
                .withSecurity(new ControlPlaneSecurity(null, null, null, true)),
            db,
            Metrics.newRegistry(),
            dataDir,
            lastGood);
    cleanup.add(cp);
    cp.markStarted();
    return cp;
  }

  private AdsClient ads(ControlPlane cp, String nodeId) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
    cleanup.add(channel::shutdownNow);
    AdsClient client = new AdsClient(channel, nodeId, "default");
    cleanup.add(client);
    return client;
  }

  private static List<String> clusterNames(AdsClient client) throws Exception {
    List<String> names = new ArrayList<>();
    for (var any : client.accepted(AdsClient.CDS).getResourcesList()) {
      names.add(any.unpack(Cluster.class).getName());
    }
    return names;
  }

  /** The model names the routes of the accepted route configuration match on. */
  private static List<String> routedModels(AdsClient client) throws Exception {
    List<String> models = new ArrayList<>();
    for (var any : client.accepted(AdsClient.RDS).getResourcesList()) {
      for (var host : any.unpack(RouteConfiguration.class).getVirtualHostsList()) {
        for (var route : host.getRoutesList()) {
          for (var header : route.getMatch().getHeadersList()) {
            if (header.getName().equals(XdsNames.MODEL_HEADER)) {
              models.add(header.getStringMatch().getExact());
            }
          }
        }
      }
    }
    return models;
  }

  private static void assertDatabaseDownProblem(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("retry-after")).hasValue("5");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asInt()).isEqualTo(503);
    assertThat(body.path("detail").asText()).contains("database is unreachable");
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
  }

  private HttpResponse<String> call(ControlPlane cp, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.adminPort() + path))
            .header("Authorization", "Bearer " + adminToken)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode readiness(ControlPlane cp) throws Exception {
    HttpResponse<String> response = call(cp, "GET", "/readyz", null);
    // Degraded is still ready: the gateway serves from memory.
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private JsonNode awaitReadiness(ControlPlane cp, String status, Predicate<JsonNode> also)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = readiness(cp);
      if (last.path("status").asText().equals(status) && also.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("readiness never became " + status + "; last: " + last);
  }
}
