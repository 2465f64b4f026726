package dev.aigateway.dataplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.SwitchableTcpProxy;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.PoolLimits;
import dev.aigateway.db.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 9, replayed: the database stops answering (connections stay open, no byte comes
 * back). The data plane keeps authenticating, routing and answering from the config it holds in
 * memory, each request as fast as before, and its blocking work stays on a bounded pool.
 */
@ExtendWith(PostgresExtension.class)
class HangingDatabaseTest {
  private static final String CHAT =
      "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";

  @Test
  void dataPlaneKeepsServingFromMemoryWhileTheDatabaseHangs(Database db) throws Exception {
    TestConfig config = new TestConfig(db);
    try (FakeUpstream upstream =
            new FakeUpstream(Cassette.openAi("chat-basic.yaml").first().response());
        SwitchableTcpProxy proxy = new SwitchableTcpProxy(port(db.jdbcUrl()))) {
      proxy.up();
      UUID provider =
          config.provider("openai-main", "openai", upstream.baseUri() + "/v1", "{}", "sk-up");
      config.model("chat", TestConfig.target(provider, "gpt-5-nano"));
      String key = config.key("main").secret();
      QuotaFixtures.quota(db, "everyone", null, null, "total_tokens", "day", "100000000");
      Properties credentials = new Properties();
      credentials.setProperty("user", "postgres");
      Map<String, URI> routes = new ConcurrentHashMap<>(Map.of("openai-main", upstream.baseUri()));
      try (Database viaProxy =
              Database.connect(
                  db.jdbcUrl().replace(":" + port(db.jdbcUrl()) + "/", ":" + proxy.port() + "/"),
                  credentials,
                  2);
          Database dataPlane = viaProxy.newPool(PoolLimits.dataPlane(4));
          ExtProcServer server =
              ExtProcServer.startWithUsageLimiting(
                  new ExtProcSettings(
                      "127.0.0.1",
                      0,
                      Files.createTempDirectory("hanging-db"),
                      TestConfig.SECRET_KEY,
                      List.of()),
                  dataPlane,
                  new SimpleMeterRegistry())) {
        long wanted = config.revision();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.configRevision() < wanted && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        try (EnvoyLikeClient client =
            new EnvoyLikeClient(server.port(), routes, EnvoyLikeClient.targetsIn(db))) {
          for (int i = 0; i < 3; i++) {
            assertThat(
                    client.send(ClientRequest.postJson("/v1/chat/completions", key, CHAT)).status())
                .isEqualTo(200);
          }
          proxy.freeze();
          long slowest = 0;
          for (int i = 0; i < 30; i++) {
            long start = System.nanoTime();
            var exchange = client.send(ClientRequest.postJson("/v1/chat/completions", key, CHAT));
            slowest = Math.max(slowest, System.nanoTime() - start);
            assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(200);
            // A wrong key is still refused from memory.
            assertThat(
                    client
                        .send(ClientRequest.postJson("/v1/chat/completions", "sk-gw-wrong", CHAT))
                        .status())
                .isEqualTo(401);
          }
          assertThat(slowest).as("slowest request (ns)").isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
        long blockingThreads =
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ext-proc-blocking-"))
                .count();
        assertThat(blockingThreads).isLessThanOrEqualTo(64);
      }
    }
  }

  private static int port(String jdbcUrl) {
    String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
    return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
  }
}
