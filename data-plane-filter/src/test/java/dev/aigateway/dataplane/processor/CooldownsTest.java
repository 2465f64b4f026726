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

  @Test
  void aUsedUpProviderQuotaSetsItsTargetsAsideForTheHoldAtMostAndAgainWhileItStaysUsedUp() {
    Instant[] now = {NOW};
    Clock moving =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    Cooldowns quota = new Cooldowns(moving, published::add);
    Instant monthEnd = Instant.parse("2027-01-01T00:00:00Z");

    quota.quotaUsedUp(List.of("t1", "t2"), monthEnd);
    now[0] = NOW.plusSeconds(60);
    quota.quotaUsedUp(List.of("t1", "t2"), monthEnd); // still held: nothing new
    now[0] = NOW.plus(Cooldowns.QUOTA_HOLD).plusSeconds(1);
    quota.quotaUsedUp(List.of("t1"), monthEnd); // the hold ended and the quota is still used up
    // A window that ends within the hold is published to its end.
    Instant dayEnd = now[0].plusSeconds(90);
    quota.quotaUsedUp(List.of("t3"), dayEnd);

    Instant secondHold = NOW.plus(Cooldowns.QUOTA_HOLD).plusSeconds(1).plus(Cooldowns.QUOTA_HOLD);
    assertThat(published)
        .containsExactly(
            new CooldownNotice("t1", NOW.plus(Cooldowns.QUOTA_HOLD), 429),
            new CooldownNotice("t2", NOW.plus(Cooldowns.QUOTA_HOLD), 429),
            new CooldownNotice("t1", secondHold, 429),
            new CooldownNotice("t3", dayEnd, 429));
  }
}
