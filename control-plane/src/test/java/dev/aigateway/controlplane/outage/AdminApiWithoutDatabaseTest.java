package dev.aigateway.controlplane.outage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.controlplane.admin.AdminApi;
import dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy;
import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.secret.SecretCipher;
import io.javalin.Javalin;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API on a database URL where nothing listens: whether the control plane already knows
 * the database is down (answered at once) or finds out in the middle of a request (after the pool's
 * connection timeout), the answer is 503 problem+json with a {@code Retry-After}, never a 500.
 */
class AdminApiWithoutDatabaseTest {
  @TempDir Path dataDir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void everyCallAnswers503ProblemJsonWhetherTheOutageIsKnownOrFoundMidRequest() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    AtomicBoolean knownReachable = new AtomicBoolean(false);
    try (Database db =
        Database.connectWhenReachable(
            new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:" + closed + "/gateway",
                "gateway",
                null,
                dataDir,
                2))) {
      Javalin server =
          HttpServers.start(
              "127.0.0.1",
              0,
              config ->
                  AdminApi.configure(
                      config,
                      db,
                      new SecretCipher(new byte[32], List.of()),
                      new UpstreamAddressPolicy(false),
                      knownReachable::get));
      try {
        long start = System.nanoTime();
        HttpResponse<String> known = call(server, "POST", "/api/v1/teams", "{\"name\":\"t\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertUnavailable(known);
        assertUnavailable(call(server, "GET", "/api/v1/openapi.json", null));

        // The monitor has not noticed yet: the token check itself finds the database gone.
        knownReachable.set(true);
        assertUnavailable(call(server, "GET", "/api/v1/providers", null));
        assertUnavailable(call(server, "DELETE", "/api/v1/keys/x", null));
      } finally {
        server.stop();
      }
    }
  }

  private static void assertUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("retry-after")).hasValue("5");
    assertThat(response.body())
        .contains("\"status\":503")
        .contains("the database is unreachable")
        .doesNotContain("Exception")
        .doesNotContain("127.0.0.1");
  }

  private HttpResponse<String> call(Javalin server, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer gw-admin-0123456789abcdef0123456789abcdef")
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
