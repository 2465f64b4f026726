package dev.aigateway.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.PoolLimits;
import dev.aigateway.db.testing.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 9: each bad-token admin request and each {@code /readyz} took a pooled connection,
 * so a client repeating them could starve the pool. With the pool's only connection held, a
 * repeated bad token still gets its 401 and {@code /readyz} probes still answer at once.
 */
@ExtendWith(PostgresExtension.class)
class AdminPoolExhaustionTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void repeatedBadTokensAndReadinessProbesNeedNoConnection(Database db) throws Exception {
    try (Database onePool =
            db.newPool(
                new PoolLimits(
                    "one",
                    1,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(3)));
        AdminServer server =
            AdminServer.start(onePool, new ControlPlaneSecurity(null, null, null, true))) {
      server.controlPlane.markStarted();
      String bad = "Bearer not-a-token-0123456789abcdef0123456789";
      assertThat(get(server, "/api/v1/providers", bad).statusCode()).isEqualTo(401);
      assertThat(get(server, "/readyz", null).statusCode()).isEqualTo(200);

      try (Connection held = onePool.dataSource().getConnection()) {
        long start = System.nanoTime();
        List<CompletableFuture<Long>> badTokens = new ArrayList<>();
        List<CompletableFuture<Long>> probes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          badTokens.add(timed(async(server, "/api/v1/providers", bad), 401, start));
          probes.add(timed(async(server, "/readyz", null), -1, start));
        }
        // Without the caches each call waits the pool's 5 s for the held connection.
        for (CompletableFuture<Long> call : badTokens) {
          assertThat(Duration.ofNanos(call.get())).isLessThan(Duration.ofSeconds(2));
        }
        // At most one probe runs the check (and waits for a connection); the others answer from
        // its last result at once.
        long slowProbes = 0;
        for (CompletableFuture<Long> probe : probes) {
          if (Duration.ofNanos(probe.get()).compareTo(Duration.ofSeconds(2)) >= 0) {
            slowProbes++;
          }
        }
        assertThat(slowProbes).isLessThanOrEqualTo(1);
        assertThat(held.isClosed()).isFalse();
      }
    }
  }

  /** When the call completed, in nanoseconds after {@code start}; checks the status if >= 0. */
  private static CompletableFuture<Long> timed(
      CompletableFuture<HttpResponse<String>> call, int status, long start) {
    return call.thenApply(
        response -> {
          if (status >= 0) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
          }
          return System.nanoTime() - start;
        });
  }

  private HttpResponse<String> get(AdminServer server, String path, String authorization)
      throws Exception {
    return http.send(request(server, path, authorization), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> async(
      AdminServer server, String path, String authorization) {
    return http.sendAsync(
        request(server, path, authorization), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(AdminServer server, String path, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.controlPlane.adminPort() + path))
            .timeout(Duration.ofSeconds(20));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }
}
