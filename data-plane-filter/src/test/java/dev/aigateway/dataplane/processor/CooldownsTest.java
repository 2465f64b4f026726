package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.cooldown.CooldownNotice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CooldownsTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
  private final List<CooldownNotice> published = new ArrayList<>();
  private final Cooldowns cooldowns =
      new Cooldowns(Clock.fixed(NOW, ZoneOffset.UTC), published::add);

  @Test
  void aRetryAfterIsPublishedOnceNotForEveryRefusedAttemptWhileThePushIsOnItsWay() {
    cooldowns.observe("t1", 429, "30");
    cooldowns.observe("t1", 429, "30");
    cooldowns.observe("t1", 429, "30");

    assertThat(published).containsExactly(new CooldownNotice("t1", NOW.plusSeconds(30), 429));
  }

  @Test
  void aLongerWaitIsPublishedAgain() {
    cooldowns.observe("t1", 503, "10");
    cooldowns.observe("t1", 529, "60");

    assertThat(published)
        .extracting(CooldownNotice::until)
        .containsExactly(NOW.plusSeconds(10), NOW.plusSeconds(60));
  }

  @Test
  void whatAProviderSendsIsBoundedAndOnlyRetryableAnswersCount() {
    cooldowns.observe("t1", 429, "999999999999");
    cooldowns.observe("t2", 200, "30");
    cooldowns.observe("t3", 500, "30");
    cooldowns.observe("t4", 429, null);
    cooldowns.observe("t5", 429, "soon");

    assertThat(published).containsExactly(new CooldownNotice("t1", NOW.plus(Cooldowns.MAX), 429));
    assertThat(Cooldowns.MAX).isLessThanOrEqualTo(Duration.ofHours(1));
  }
}
