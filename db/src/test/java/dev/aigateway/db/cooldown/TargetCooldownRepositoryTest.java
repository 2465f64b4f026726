package dev.aigateway.db.cooldown;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

@ExtendWith(PostgresExtension.class)
class TargetCooldownRepositoryTest {
  private final Database db;
  private final UUID target = UUID.randomUUID();

  TargetCooldownRepositoryTest(Database db) {
    this.db = db;
  }

  @BeforeEach
  void oneModelWithOneTarget() {
    UUID provider = UUID.randomUUID();
    UUID model = UUID.randomUUID();
    db.dsl().execute("delete from target_cooldowns");
    db.dsl()
        .execute(
            "insert into providers (id, name, schema, base_url) values (?, ?, 'openai', 'http://x')",
            provider,
            "p-" + provider);
    db.dsl().execute("insert into models (id, name) values (?, ?)", model, "m-" + model);
    db.dsl()
        .execute(
            "insert into model_targets (id, model_id, provider_id, upstream_model, weight,"
                + " priority, position) values (?, ?, ?, 'u', 1, 0, 0)",
            target,
            model,
            provider);
  }

  private static Instant in(Duration d) {
    return Instant.now().plus(d).truncatedTo(ChronoUnit.MILLIS);
  }

  @Test
  void aCooldownIsStoredLengthenedButNeverShortened() {
    Instant first = in(Duration.ofSeconds(30));
    assertThat(
            TargetCooldownRepository.publish(
                db.dsl(), List.of(new TargetCooldown(target, first, 429))))
        .isEqualTo(1);
    Instant shorter = in(Duration.ofSeconds(5));
    assertThat(
            TargetCooldownRepository.publish(
                db.dsl(), List.of(new TargetCooldown(target, shorter, 503))))
        .isZero();
    assertThat(TargetCooldownRepository.active(db.dsl()))
        .containsExactly(new TargetCooldown(target, first, 429));
    Instant longer = in(Duration.ofSeconds(60));
    TargetCooldownRepository.publish(db.dsl(), List.of(new TargetCooldown(target, longer, 529)));
    assertThat(TargetCooldownRepository.active(db.dsl()))
        .containsExactly(new TargetCooldown(target, longer, 529));
  }

  @Test
  void anUnknownTargetIsSkippedAndEndedCooldownsAreNotActive() {
    assertThat(
            TargetCooldownRepository.publish(
                db.dsl(),
                List.of(
                    new TargetCooldown(UUID.randomUUID(), in(Duration.ofSeconds(30)), 429),
                    new TargetCooldown(target, in(Duration.ofSeconds(-1)), 429))))
        .isEqualTo(1);
    assertThat(TargetCooldownRepository.active(db.dsl())).isEmpty();
    assertThat(TargetCooldownRepository.deleteEndedBefore(db.dsl(), Instant.now())).isEqualTo(1);
  }

  @Test
  void aStoredCooldownIsAnnouncedOnItsChannel() throws Exception {
    try (Connection listener = db.openDedicatedConnection();
        Statement s = listener.createStatement()) {
      s.execute("LISTEN " + TargetCooldownRepository.CHANNEL);
      TargetCooldownRepository.publish(
          db.dsl(), List.of(new TargetCooldown(target, in(Duration.ofSeconds(30)), 429)));
      PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(5_000);
      assertThat(got).isNotNull().isNotEmpty();
      assertThat(got[0].getName()).isEqualTo(TargetCooldownRepository.CHANNEL);
    }
  }
}
