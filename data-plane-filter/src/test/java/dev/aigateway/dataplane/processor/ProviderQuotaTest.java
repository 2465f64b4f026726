package dev.aigateway.dataplane.processor;

import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.admission.ProviderExhaustion;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.quota.FleetCounters;
import dev.aigateway.dataplane.quota.QuotaAdmission;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.quota.QuotaSettings;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.testing.TestConfig.IssuedKey;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.cooldown.TargetCooldown;
import dev.aigateway.db.cooldown.TargetCooldownRepository;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quotas scoped to a provider (issue 19), through both processing points with the production {@link
 * QuotaAdmission} on a real PostgreSQL: every attempt on the provider is charged to them, and once
 * one is used up its provider's targets are published as cooling down until the window ends.
 */
@ExtendWith(PostgresExtension.class)
class ProviderQuotaTest {
  private static final String CHAT =
      "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
  private static final List<AutoCloseable> owned = new ArrayList<>();
  private static ConfigStore store;
  private static QuotaAdmission admission;
  private static GatewayHarness gateway;
  private static IssuedKey key;
  private static Cassette.Response claudeOk;

  @BeforeAll
  static void start(Database db) {
    store = QuotaFixtures.configStore(db);
    owned.add(store);
    QuotaSettings settings =
        new QuotaSettings(Duration.ofMillis(50), 100, "test-" + UUID.randomUUID());
    FleetCounters counters =
        new FleetCounters(QuotaFixtures.counters(db), settings, Clock.systemUTC()).start();
    owned.add(counters);
    admission =
        new QuotaAdmission(
            () -> store.current().quotas(), counters, settings, Clock.systemUTC(), null);
    gateway = new GatewayHarness(db, admission, 1 << 20);
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/pydantic-ai/test_anthropic_model_instructions.yaml", 0);
    claudeOk =
        new Cassette.Response(
            200, Map.of("content-type", "application/json"), Fixtures.responseBody(interaction));
    key = gateway.config.key("provider-quota");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    for (AutoCloseable c : owned) {
      c.close();
    }
  }

  private static FakeUpstream upstream() {
    FakeUpstream u = new FakeUpstream(claudeOk);
    owned.add(u::close);
    return u;
  }

  private static UUID provider(String name, FakeUpstream upstream) {
    UUID id =
        gateway.config.provider(name, "anthropic", upstream.baseUri().toString(), "{}", "sk-ant");
    gateway.route(name, upstream.baseUri());
    return id;
  }

  private static void awaitConfig() {
    gateway.awaitConfig();
    long revision = gateway.config.revision();
    awaitTrue(() -> store.current().revision() >= revision);
  }

  private static Exchange chat(String model) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(
          ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT.formatted(model)));
    }
  }

  private static UUID target(Exchange e) {
    String attempt = e.attemptsMade().get(0);
    return UUID.fromString(attempt.substring(0, attempt.indexOf(':')));
  }

  private static List<TargetCooldown> cooldownsOf(Database db, UUID target) {
    return TargetCooldownRepository.active(db.dsl()).stream()
        .filter(c -> c.targetId().equals(target))
        .toList();
  }

  private static void awaitTrue(Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.get() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(condition.get()).isTrue();
  }

  @Test
  void attemptsOnAProviderUseUpItsQuotaAndItsTargetsCoolDownUntilTheWindowEnds(Database db) {
    FakeUpstream first = upstream();
    FakeUpstream second = upstream();
    UUID p = provider("pq-p", first);
    UUID q = provider("pq-q", second);
    gateway.config.model(
        "pq-model",
        new TestConfig.Target(p, "claude-haiku-4-5", 1, 0),
        new TestConfig.Target(q, "claude-haiku-4-5", 1, 1));
    // A few tokens: the recorded answer alone uses it up.
    QuotaFixtures.quota(db, "provider", p, null, "total_tokens", "day", "20");
    QuotaFixtures.quota(db, "provider", q, null, "total_tokens", "day", "1000000");
    awaitConfig();
    assertThat(admission.providerExhausted("pq-p", "pq-model")).isNull();

    Exchange served = chat("pq-model");

    assertThat(served.status()).as(served.bodyText()).isEqualTo(200);
    assertThat(served.headers()).containsEntry("x-gateway-served-by", "pq-p/claude-haiku-4-5");
    UUID pTarget = target(served);
    ProviderExhaustion exhausted = admission.providerExhausted("pq-p", "pq-model");
    assertThat(exhausted).isNotNull();
    Instant windowEnd = QuotaWindow.DAY.end(Instant.now());
    assertThat(exhausted.until()).isEqualTo(windowEnd);
    assertThat(exhausted.model()).isNull();
    // The charge that used it up published P's target as cooling down until the window ends, or
    // for the hold at most (a raised limit must take effect before a long window ends).
    Instant published = Instant.now();
    awaitTrue(() -> !cooldownsOf(db, pTarget).isEmpty());
    TargetCooldown cooldown = cooldownsOf(db, pTarget).get(0);
    assertThat(cooldown.status()).isEqualTo(429);
    Instant held = published.plus(Cooldowns.QUOTA_HOLD);
    if (windowEnd.isBefore(held.minusSeconds(5))) {
      assertThat(cooldown.endsAt()).isEqualTo(windowEnd);
    } else {
      assertThat(cooldown.endsAt())
          .isBetween(held.minusSeconds(30), held.plusSeconds(1))
          .isBeforeOrEqualTo(windowEnd);
    }
    assertThat(gateway.metrics.counter("gateway.cooldowns.published").count()).isPositive();

    // Another provider is unaffected: its quota has room and none of its targets cools down.
    assertThat(admission.providerExhausted("pq-q", "pq-model")).isNull();
    List<UUID> qTargets =
        db.dsl()
            .select(MODEL_TARGETS.ID)
            .from(MODEL_TARGETS)
            .where(MODEL_TARGETS.PROVIDER_ID.eq(q))
            .fetch(MODEL_TARGETS.ID);
    assertThat(qTargets).hasSize(1);
    assertThat(TargetCooldownRepository.active(db.dsl()))
        .extracting(TargetCooldown::targetId)
        .contains(pTarget)
        .doesNotContainAnyElementsOf(qTargets);
    assertThat(second.received()).isEmpty();
  }

  @Test
  void aSingleTargetModelOnAProviderWithoutQuotaLeftIsAnsweredWithoutAProviderCall(Database db) {
    FakeUpstream only = upstream();
    UUID p = provider("pq-alone", only);
    gateway.config.model("pq-alone-model", new TestConfig.Target(p, "claude-haiku-4-5", 1, 0));
    QuotaFixtures.quota(db, "provider", p, "pq-alone-model", "total_tokens", "hour", "20");
    awaitConfig();

    Exchange first = chat("pq-alone-model");
    Exchange second = chat("pq-alone-model");

    assertThat(first.status()).as(first.bodyText()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.headers()).containsEntry("x-gateway-skipped", "quota");
    assertThat(second.bodyText()).contains("The quota of this provider is used up.");
    long retryAfter = Long.parseLong(second.headers().get("retry-after"));
    assertThat(retryAfter).isBetween(1L, 3600L);
    assertThat(only.received()).hasSize(1);
  }
}
