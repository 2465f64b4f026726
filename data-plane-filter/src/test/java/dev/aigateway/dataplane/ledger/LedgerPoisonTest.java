package dev.aigateway.dataplane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.store.postgres.PostgresLedgerSink;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.LedgerEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 attacks 1 and 10 against the real ledger writer and a real PostgreSQL: one poisoned
 * record (too long for the primary key's index, or with NUL) never blocks the others, a poisoned
 * spool is replayed past its bad lines, keyless refusals are counted rather than written, and the
 * spool has a cap.
 */
@ExtendWith(PostgresExtension.class)
class LedgerPoisonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Supplier<QuotaConfig> NO_PRICES = () -> QuotaConfig.EMPTY;
  private static final LedgerSettings FAST =
      new LedgerSettings(
          100, Duration.ofMillis(20), 1000, Duration.ofDays(30), Duration.ofMillis(100));

  private final Database db;

  LedgerPoisonTest(Database db) {
    this.db = db;
  }

  private static UsageRecord record(KeyAndTeam k, String model, String clientId) {
    return new UsageRecord(
        Instant.now(),
        UUID.randomUUID().toString(),
        k.keyId(),
        k.teamId(),
        model,
        "p",
        "u",
        new TokenUsage(10, 5, 0),
        UsageSource.REPORTED,
        200,
        Duration.ofMillis(3),
        null,
        false,
        clientId);
  }

  private static LedgerEntry entry(String requestId, String model) {
    return new LedgerEntry(
        Instant.now(),
        requestId,
        null,
        null,
        model,
        "p",
        "u",
        1,
        1,
        0,
        BigDecimal.ZERO,
        200,
        1,
        false);
  }

  /** Random letters: PostgreSQL compresses index values, so a repeated letter would fit. */
  private static String incompressible(int length) {
    java.util.Random random = new java.util.Random(14);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('!' + random.nextInt(90)));
    }
    return s.toString();
  }

  /** Rows of one key (the test class shares its database between tests). */
  private long rows(KeyAndTeam k) {
    return db.dsl()
        .fetchOne("select count(*) from usage_ledger where key_id = ?", k.keyId())
        .get(0, Long.class);
  }

  private static void await(java.util.function.BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void hostileClientStringsAreStoredCleanedAndNeverBlockTheirBatch(@TempDir Path dir)
      throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    try (LedgerRecorder recorder =
        new LedgerRecorder(
            new PostgresLedgerSink(db), NO_PRICES, dir, FAST, Clock.systemUTC(), null)) {
      recorder.record(record(k, "ok-before", null));
      recorder.record(record(k, "nul\u0000model" + "m".repeat(3_000), "x".repeat(6_000)));
      recorder.record(record(k, "ok-after", "trace-1"));
      await(() -> rows(k) == 3);
    }
    var rows =
        db.dsl()
            .fetch(
                "select model, client_request_id, request_id from usage_ledger where key_id = ?",
                k.keyId());
    assertThat(rows.getValues(0, String.class))
        .anySatisfy(m -> assertThat(m).startsWith("nul?model").hasSize(256))
        .contains("ok-before", "ok-after");
    assertThat(rows.getValues(1, String.class))
        .anySatisfy(id -> assertThat(id).hasSize(128))
        .contains("trace-1");
  }

  @Test
  void aPoisonedSpoolIsReplayedPastItsBadLinesIntoTheDeadLetterFile(@TempDir Path dir)
      throws Exception {
    // A spool as an earlier version could leave it: a 6,000-character request id (over the
    // primary key index's 2.7 KB), a NUL in a model, a torn line, and good entries around them.
    Path spool = Files.createDirectories(dir.resolve("spool"));
    List<String> lines = new ArrayList<>();
    lines.add(Spool.toJson(entry("good-1", "m")));
    lines.add(Spool.toJson(entry(incompressible(6_000), "m")));
    lines.add(Spool.toJson(entry("good-2", "nul\u0000")));
    lines.add("{\"time\":\"2026-");
    lines.add(Spool.toJson(entry("good-3", "m")));
    Files.write(spool.resolve("ledger-0000000000000000001.jsonl"), lines, StandardCharsets.UTF_8);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    try (LedgerRecorder recorder =
        new LedgerRecorder(
            new PostgresLedgerSink(db), NO_PRICES, dir, FAST, Clock.systemUTC(), metrics)) {
      await(() -> recorder.spoolDepth() == 0);
      assertThat(recorder.quarantined()).isEqualTo(3);
      assertThat(metrics.get("gateway.usage.quarantined").functionCounter().count()).isEqualTo(3);
      // The ledger keeps working after the poison.
      KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
      recorder.record(record(k, "after", null));
      await(() -> rows(k) == 1);
    }
    assertThat(
            db.dsl()
                .fetch("select request_id from usage_ledger where key_id is null")
                .getValues(0, String.class))
        .contains("good-1", "good-3")
        .allMatch(id -> id.length() < 100);
    List<JsonNode> dead = new ArrayList<>();
    for (String line : Files.readAllLines(spool.resolve("dead-letter.jsonl"))) {
      dead.add(JSON.readTree(line));
    }
    assertThat(dead).hasSize(3);
    assertThat(dead)
        .anySatisfy(d -> assertThat(d.path("reason").asText()).contains("SQLSTATE 54000"))
        .anySatisfy(d -> assertThat(d.path("reason").asText()).contains("SQLSTATE 22"))
        .anySatisfy(d -> assertThat(d.path("reason").asText()).contains("unreadable spool line"));
    try (var files = Files.list(spool)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("dead-letter.jsonl");
    }
  }

  @Test
  void requestsRefusedBeforeAKeyIsKnownAreCountedNotWritten(@TempDir Path dir) throws Exception {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    try (LedgerRecorder recorder =
        new LedgerRecorder(
            new PostgresLedgerSink(db), NO_PRICES, dir, FAST, Clock.systemUTC(), metrics)) {
      for (int i = 0; i < 500; i++) {
        recorder.record(
            new UsageRecord(
                Instant.now(),
                UUID.randomUUID().toString(),
                null,
                null,
                null,
                null,
                null,
                TokenUsage.NONE,
                UsageSource.NONE,
                401,
                Duration.ofMillis(1),
                null,
                false,
                "y".repeat(6_000)));
      }
      recorder.record(record(k, "with-key", null));
      await(() -> rows(k) == 1);
    }
    assertThat(
            db.dsl()
                .fetchOne("select count(*) from usage_ledger where status = 401")
                .get(0, Long.class))
        .isZero();
    assertThat(metrics.get("gateway.requests.unattributed").tag("status", "401").counter().count())
        .isEqualTo(500);
  }

  @Test
  void theSpoolRefusesAppendsPastItsCapAndWritesNothingOfThem(@TempDir Path dir) throws Exception {
    Spool spool = new Spool(dir, 1_000);
    spool.append(List.of(entry("a", "m")));
    long before = spool.bytes();
    assertThat(before).isPositive().isLessThan(1_000);

    List<LedgerEntry> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      many.add(entry("b" + i, "m"));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.append(many))
        .isInstanceOf(Spool.SpoolFullException.class);
    assertThat(spool.bytes()).isEqualTo(before);
    assertThat(spool.depth()).isEqualTo(1);
    assertThat(new Spool(dir, 1_000).depth()).isEqualTo(1);
  }

  @Test
  void theDefaultsBoundWhatAKillCanLose() {
    // docs/security.md states this bound; the queue was 50,000 records before.
    assertThat(LedgerSettings.defaults().crashLossBound()).isEqualTo(6_500);
    assertThat(LedgerSettings.defaults().maxSpoolBytes()).isEqualTo(1L << 30);
  }
}
