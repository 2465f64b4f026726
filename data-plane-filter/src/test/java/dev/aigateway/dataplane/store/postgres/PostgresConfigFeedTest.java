package dev.aigateway.dataplane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.quota.QuotaRule;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.vocabulary.key.KeyHash;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresConfigFeedTest {
  private final Database db;
  private final TestConfig config;

  PostgresConfigFeedTest(Database db) {
    this.db = db;
    this.config = new TestConfig(db);
  }

  private PostgresConfigFeed feed() {
    return new PostgresConfigFeed(db, new SecretCipher(TestConfig.SECRET_KEY, List.of()));
  }

  @Test
  void oneLoadCarriesKeysModelsQuotasAndPricesOfOneRevision() throws Exception {
    UUID provider = config.provider("p-one", "openai", "https://api.openai.com/v1", "{}", "sk-x");
    config.model("priced", TestConfig.target(provider, "gpt-5-nano"));
    db.dsl()
        .execute(
            "update models set input_per_million = 0.15, output_per_million = 0.6 where name = ?",
            "priced");
    TestConfig.IssuedKey key = config.key("k-one");
    UUID quota = QuotaFixtures.quota(db, "key", key.id(), "priced", "cost_usd", "day", "2.5");

    ConfigSnapshot snapshot = feed().load();

    assertThat(snapshot.revision()).isEqualTo(config.revision());
    assertThat(snapshot.quotas().revision()).isEqualTo(snapshot.revision());
    assertThat(snapshot.keyByHash(KeyHash.of(key.secret()))).isNotNull();
    assertThat(snapshot.quotas().rules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.id()).isEqualTo(quota);
              assertThat(r.scope()).isEqualTo(QuotaRule.Scope.KEY);
              assertThat(r.metric()).isEqualTo(QuotaMetric.COST_USD);
              assertThat(r.limit()).isEqualTo(2_500_000_000L);
            });
    assertThat(snapshot.quotas().pricesOf("priced").inputPerMillion())
        .isEqualByComparingTo(new BigDecimal("0.15"));
  }

  @Test
  void aSchemaOlderThanThisBuildIsReportedAndNeverMigrated() throws Exception {
    Record newest =
        db.dsl()
            .fetchOne(
                "select * from flyway_schema_history where version is not null"
                    + " order by installed_rank desc limit 1");
    String version = newest.get("version", String.class);
    int rank = newest.get("installed_rank", Integer.class);
    db.dsl().execute("create table flyway_history_copy as table flyway_schema_history");
    db.dsl().execute("delete from flyway_schema_history where installed_rank = ?", rank);

    assertThatThrownBy(() -> feed().load())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("missing migrations " + version)
        .hasMessageContaining("never migrates")
        .hasMessageContaining("gateway migrate");
    // Nothing was applied behind the operator's back.
    assertThat(
            db.dsl()
                .fetchOne(
                    "select count(*) from flyway_schema_history where installed_rank = ?", rank)
                .get(0, Long.class))
        .isZero();

    db.dsl()
        .execute(
            "insert into flyway_schema_history select * from flyway_history_copy"
                + " where installed_rank = ?",
            rank);
    assertThat(feed().load().revision()).isEqualTo(config.revision());
  }
}
