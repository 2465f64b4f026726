package dev.aigateway.dataplane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class TeamNamesTest {
  private final Database db;
  private final TestConfig config;

  TeamNamesTest(Database db) {
    this.db = db;
    this.config = new TestConfig(db);
  }

  @Test
  void aTeamCreatedAfterTheLastLoadIsNamedOnceTheReloadOffTheCallersThreadHasRun() {
    AtomicLong revision = new AtomicLong(1);
    List<Runnable> reloads = new ArrayList<>();
    TeamNames names = new TeamNames(db, revision::get, reloads::add);
    names.reload();
    UUID team = config.key("k").teamId();
    revision.set(2); // the data plane has loaded the key, and so knows of its team

    List<String> answers = new ArrayList<>();
    names.resolve(team, answers::add);
    names.resolve(team, answers::add);

    assertThat(answers).isEmpty(); // nothing answered from stale names, no query on this thread
    assertThat(reloads).hasSize(1); // one reload for both
    reloads.getFirst().run();
    assertThat(answers).containsExactly("team-" + team, "team-" + team);

    names.resolve(team, answers::add);
    assertThat(answers).hasSize(3).last().isEqualTo("team-" + team);
    assertThat(reloads).hasSize(1);
  }

  @Test
  void aTeamThatDoesNotExistIsNullWithoutAReloadWhileTheRevisionStands() {
    List<Runnable> reloads = new ArrayList<>();
    TeamNames names = new TeamNames(db, () -> 7, reloads::add);
    names.reload();

    List<String> answers = new ArrayList<>();
    names.resolve(UUID.randomUUID(), answers::add);

    assertThat(answers).containsExactly((String) null);
    assertThat(reloads).isEmpty();
  }
}
