package dev.aigateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.change.ConfigChangeListener;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ConfigRevisionsTest {

  private final Database db;

  ConfigRevisionsTest(Database db) {
    this.db = db;
  }

  @Test
  void aCommittedBumpIsDeliveredToListenersAndARolledBackOneIsNot() throws Exception {
    LinkedBlockingQueue<Long> seen = new LinkedBlockingQueue<>();
    try (ConfigChangeListener listener =
        ConfigChangeListener.start(db::openDedicatedConnection, seen::add)) {
      long initial = seen.poll(5, TimeUnit.SECONDS);
      assertThat(initial).isEqualTo(ConfigRevisions.current(db.dsl()));

      try {
        db.dsl()
            .transaction(
                tx -> {
                  ConfigRevisions.bump(tx.dsl());
                  throw new IllegalStateException("roll back");
                });
      } catch (IllegalStateException expected) {
        // the bump above must not be visible or notified
      }
      long committed = db.dsl().transactionResult(tx -> ConfigRevisions.bump(tx.dsl()));

      assertThat(seen.poll(2, TimeUnit.SECONDS)).isEqualTo(committed);
      assertThat(committed).isGreaterThan(initial);
      assertThat(ConfigRevisions.current(db.dsl())).isEqualTo(committed);
    }
  }

  @Test
  void theDefaultFleetExistsFromTheFirstMigration() {
    assertThat(
            db.dsl()
                .fetchValue(
                    "select listener_port from fleets where name = 'default'", Integer.class))
        .isEqualTo(10000);
  }
}
