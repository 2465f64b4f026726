package dev.aigateway.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.store.postgres.PostgresConfigFeed;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ConfigStoreTest {
  private final Database db;
  private final TestConfig config;

  ConfigStoreTest(Database db) {
    this.db = db;
    this.config = new TestConfig(db);
  }

  private static PostgresConfigFeed feed(Database db) {
    return new PostgresConfigFeed(db, new SecretCipher(TestConfig.SECRET_KEY, List.of()));
  }

  @Test
  void aCommittedChangeIsPushedByNotifyNotFoundByTheSafetyCheck() throws InterruptedException {
    try (ConfigStore store = ConfigStore.start(feed(db))) {
      UUID provider =
          config.provider(
              "p-refresh", "openai", "https://api.openai.com", "{}", "sk-secret-value-1");
      config.model("refreshed", TestConfig.target(provider, "gpt-5-nano"));
      long committed = System.nanoTime();
      while (store.current().model("refreshed") == null
          && System.nanoTime() - committed < 9_000_000_000L) {
        Thread.sleep(5);
      }
      // The listener's safety check re-reads every 10 s: a change that arrives well before it came
      // by NOTIFY. How fast (milliseconds on a quiet machine) is a benchmark's figure, not this
      // test's: on a loaded 2-core machine a 1 s bound failed on scheduling alone.
      assertThat(store.current().model("refreshed")).isNotNull();
      assertThat(System.nanoTime() - committed).isLessThan(5_000_000_000L);
      ModelConfig model = store.current().model("refreshed");
      assertThat(model.preferred())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.upstreamModel()).isEqualTo("gpt-5-nano");
                assertThat(t.provider().credentials())
                    .singleElement()
                    .satisfies(c -> assertThat(c.secret("api_key")).isEqualTo("sk-secret-value-1"));
                assertThat(c(t).toString()).doesNotContain("sk-secret-value-1");
              });
    }
  }

  private static Object c(ModelTarget t) {
    return t.provider().credentials().getFirst();
  }

  @Test
  void theLastGoodSnapshotKeepsServingWhileTheDatabaseIsUnreachable() throws Exception {
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    Database own = Database.connect(db.jdbcUrl(), credentials, 2);
    UUID provider = config.provider("p-down", "openai", "https://api.openai.com", "{}");
    config.model("before-outage", TestConfig.target(provider, "gpt-5-nano"));
    try (ConfigStore store = ConfigStore.start(feed(own))) {
      assertThat(store.current().model("before-outage")).isNotNull();
      long revision = store.current().revision();
      own.close(); // every reload now fails, as with a database that went away
      config.model("during-outage", TestConfig.target(provider, "gpt-5-nano"));
      Thread.sleep(1_500);
      assertThat(store.current().revision()).isEqualTo(revision);
      assertThat(store.current().model("before-outage")).isNotNull();
      assertThat(store.current().model("during-outage")).isNull();
    }
  }

  @Test
  void targetsOfTheFirstPriorityWithWeightArePreferred() throws Exception {
    UUID a = config.provider("p-a", "openai", "https://a.example", "{}");
    UUID b = config.provider("p-b", "openai", "https://b.example", "{}");
    UUID c = config.provider("p-c", "openai", "https://c.example/base", "{}");
    config.model(
        "prioritized",
        new TestConfig.Target(a, "m-a", 3, 1),
        new TestConfig.Target(b, "m-b", 1, 1),
        new TestConfig.Target(c, "m-c", 5, 10),
        new TestConfig.Target(c, "m-zero", 0, 0));
    ModelConfig model = feed(db).load().model("prioritized");
    assertThat(model.preferred())
        .extracting(ModelTarget::upstreamModel)
        .containsExactly("m-a", "m-b");
    assertThat(model.totalWeight()).isEqualTo(4);
    assertThat(feed(db).load().providers().get("p-c").pathPrefix()).isEqualTo("/base");
  }
}
