package dev.aigateway.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ExtProcSettings;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ext_proc (gRPC, the production wiring) started while PostgreSQL is unreachable: it serves
 * the keys of its sealed last good configuration, and swaps to the live one once the database is
 * back. The database goes away behind a TCP forwarder that refuses connections, as a stopped server
 * does.
 */
@ExtendWith(PostgresExtension.class)
class StartWithoutDatabaseTest {

  private final Database db;
  private final TestConfig config;
  @TempDir Path dataDir;
  private FakeUpstream upstream;
  private Map<String, URI> routes;
  private String knownKey;
  private String chatBody;

  StartWithoutDatabaseTest(Database db) {
    this.db = db;
    this.config = new TestConfig(db);
  }

  @BeforeEach
  void providerModelAndKey() throws Exception {
    upstream = new FakeUpstream(Cassette.openAi("chat-basic.yaml").first().response());
    // One database per class: names are unique per test.
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    UUID provider =
        config.provider("openai-" + suffix, "openai", upstream.baseUri() + "/v1", "{}", "sk-up");
    config.model("chat-" + suffix, TestConfig.target(provider, "gpt-5-nano"));
    knownKey = config.key("known-" + suffix).secret();
    routes = Map.of("openai-" + suffix, upstream.baseUri());
    chatBody =
        "{\"model\":\"chat-"
            + suffix
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
  }

  @Test
  void startsFromTheSealedCopyWhileTheDatabaseIsDownAndSwapsToTheLiveConfigWhenItIsBack()
      throws Exception {
    try (SwitchableTcpProxy database = new SwitchableTcpProxy(port(db.jdbcUrl()))) {
      database.up();
      long before;
      try (Database pool = pool(database);
          ExtProcServer server = start(pool)) {
        await(() -> server.configRevision() >= config.revision(), "first load");
        before = server.configRevision();
        assertThat(chat(server, knownKey)).isEqualTo(200);
      }
      assertThat(dataDir.resolve("config-snapshot.sealed")).exists();

      database.down();
      String addedDuringOutage = config.key("added-during-outage").secret();
      try (Database pool = pool(database);
          ExtProcServer server = start(pool)) {
        assertThat(server.servingLastGoodConfig()).isTrue();
        assertThat(server.configRevision()).isEqualTo(before);
        assertThat(chat(server, knownKey)).isEqualTo(200);
        assertThat(chat(server, addedDuringOutage)).isEqualTo(401);
        assertThat(chat(server, "sk-gw-never-issued")).isEqualTo(401);

        database.up();
        await(
            () -> !server.servingLastGoodConfig() && server.configRevision() >= config.revision(),
            "the live configuration after the database came back");
        assertThat(chat(server, addedDuringOutage)).isEqualTo(200);
      }
    } finally {
      upstream.close();
    }
  }

  @Test
  void aTamperedCopyIsRefusedAndTheExtProcWaitsForTheDatabase() throws Exception {
    try (SwitchableTcpProxy database = new SwitchableTcpProxy(port(db.jdbcUrl()))) {
      database.up();
      try (Database pool = pool(database);
          ExtProcServer server = start(pool)) {
        await(() -> server.configRevision() >= config.revision(), "first load");
      }
      Path sealed = dataDir.resolve("config-snapshot.sealed");
      byte[] bytes = Files.readAllBytes(sealed);
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(sealed, bytes);

      database.down();
      try (Database pool = pool(database);
          ExtProcServer server = start(pool)) {
        assertThat(server.servingLastGoodConfig()).isFalse();
        assertThat(server.configRevision()).isZero();
        // Nothing trusted to serve from: refused as unavailable until the database answers.
        assertThat(chat(server, knownKey)).isEqualTo(503);

        database.up();
        await(() -> server.configRevision() >= config.revision(), "the database");
        assertThat(chat(server, knownKey)).isEqualTo(200);
      }
    } finally {
      upstream.close();
    }
  }

  private ExtProcServer start(Database pool) {
    return ExtProcServer.startWithUsageLimiting(
        new ExtProcSettings("127.0.0.1", 0, dataDir, TestConfig.SECRET_KEY, List.of()),
        pool,
        new SimpleMeterRegistry());
  }

  private Database pool(SwitchableTcpProxy database) {
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    String url = db.jdbcUrl().replace(":" + port(db.jdbcUrl()) + "/", ":" + database.port() + "/");
    return Database.connectLazily(url, credentials, PoolLimits.dataPlane(4));
  }

  private int chat(ExtProcServer server, String key) {
    // The model's one endpoint, as Envoy keeps it from its last xDS while the database is down.
    String provider = routes.keySet().iterator().next();
    try (EnvoyLikeClient client =
        new EnvoyLikeClient(
            server.port(),
            routes,
            model ->
                java.util.List.of(new EnvoyLikeClient.Target(provider, "t-1", "gpt-5-nano", 0)))) {
      return client.send(ClientRequest.postJson("/v1/chat/completions", key, chatBody)).status();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within 20 s");
      }
      Thread.sleep(50);
    }
  }

  private static int port(String jdbcUrl) {
    String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
    return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
  }
}
