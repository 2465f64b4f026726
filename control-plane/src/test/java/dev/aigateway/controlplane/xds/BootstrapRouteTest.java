package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapRouteTest {
  private static final String TOKEN = "test-admin-token-0123456789abcdef0123";
  private final HttpClient http = HttpClient.newHttpClient();
  private ControlPlane controlPlane;

  @BeforeAll
  void start(Database db) {
    TestConfig.addFleet(db, "edge", 8443);
    controlPlane =
        ControlPlane.start(
            new ControlPlaneSettings(
                "127.0.0.1",
                0,
                0,
                "127.0.0.1",
                18001,
                TOKEN,
                "replica-a",
                new byte[32],
                java.util.List.of()),
            db,
            Metrics.newRegistry());
  }

  @AfterAll
  void stop() {
    controlPlane.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPlane.adminPort() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bootstrapOfAFleetPointsEnvoyAtThisControlPlane() throws Exception {
    HttpResponse<String> response = get("/api/v1/fleets/edge/bootstrap");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
    assertThat(response.body())
        .contains("cluster: \"edge\"")
        .contains("api_type: GRPC")
        .contains("address: \"127.0.0.1\"")
        .contains("port_value: " + controlPlane.xdsPort())
        .contains("address: 127.0.0.1\n      port_value: 9901")
        .doesNotContain(TOKEN);
  }

  @Test
  void bootstrapTakesTheXdsAddressAndNodeIdFromTheQuery() throws Exception {
    HttpResponse<String> response =
        get("/api/v1/fleets/edge/bootstrap?xds_host=cp.internal&xds_port=18500&node_id=edge-7");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("address: \"cp.internal\"")
        .contains("port_value: 18500")
        .contains("id: \"edge-7\"")
        .contains("type: STRICT_DNS");
  }

  @Test
  void unknownFleetIsA404Problem() throws Exception {
    HttpResponse<String> response = get("/api/v1/fleets/nope/bootstrap");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.body())
        .contains("\"status\":404")
        .contains("\"title\":\"Not Found\"")
        .contains("fleet 'nope' does not exist");
  }

  @Test
  void malformedXdsPortIsA400Problem() throws Exception {
    HttpResponse<String> response = get("/api/v1/fleets/edge/bootstrap?xds_port=abc");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("xds_port: abc (expected: 1..65535)");
  }

  @Test
  void defaultXdsHostFollowsTheCallerWhenBoundToEveryAddress() {
    assertThat(XdsRoutes.defaultXdsHost("0.0.0.0", "cp.example.com:8080"))
        .isEqualTo("cp.example.com");
    assertThat(XdsRoutes.defaultXdsHost("::", "[fd00::1]:8080")).isEqualTo("fd00::1");
    assertThat(XdsRoutes.defaultXdsHost("10.0.0.4", "cp.example.com:8080")).isEqualTo("10.0.0.4");
  }
}
