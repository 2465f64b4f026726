package dev.aigateway.db.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class LedgerRepositoryTest {
  private final Database db;
  private final LedgerRepository ledger;

  LedgerRepositoryTest(Database db) {
    this.db = db;
    this.ledger = new LedgerRepository(db);
  }

  private static LedgerEntry entry(String id, String time) {
    return new LedgerEntry(
        Instant.parse(time),
        id,
        null,
        null,
        "m",
        "p",
        "u",
        10,
        5,
        2,
        new BigDecimal("0.001"),
        200,
        30,
        true);
  }

  @Test
  void replayedEntriesAreSkippedAndRollupsCountOnlyNewRows() throws Exception {
    assertThat(ledger.insert(List.of(entry("a", "2026-03-01T10:00:00Z")))).isEqualTo(1);
    assertThat(
            ledger.insert(
                List.of(entry("a", "2026-03-01T10:00:00Z"), entry("b", "2026-03-01T10:30:00Z"))))
        .isEqualTo(1);
    var row =
        db.dsl()
            .fetchOne(
                "select requests, input_tokens, cost_usd from usage_rollup_hourly"
                    + " where hour = '2026-03-01T10:00:00Z'");
    assertThat(row.get(0, Long.class)).isEqualTo(2);
    assertThat(row.get(1, Long.class)).isEqualTo(20);
    assertThat(row.get(2, BigDecimal.class)).isEqualByComparingTo("0.002");
  }

  @Test
  void theInputApiOfEachRequestIsKeptAndListed() throws Exception {
    LedgerEntry responses =
        new LedgerEntry(
            Instant.parse("2026-03-02T10:00:00Z"),
            "r",
            null,
            null,
            "m",
            "p",
            "u",
            10,
            5,
            2,
            new BigDecimal("0.001"),
            200,
            30,
            true,
            null,
            "responses");
    ledger.insert(List.of(responses, entry("old", "2026-03-02T10:01:00Z")));

    var page =
        new UsageQueries(db)
            .requests(
                new UsageFilter(
                    Instant.parse("2026-03-02T00:00:00Z"),
                    Instant.parse("2026-03-03T00:00:00Z"),
                    null,
                    null,
                    null,
                    null,
                    null),
                10,
                0);

    assertThat(page.items())
        .extracting(r -> r.entry().requestId() + ":" + r.entry().inputApi())
        .containsExactlyInAnyOrder("r:responses", "old:null");
  }

  private static LedgerEntry attempt(int n, String target, String provider, int status, long in) {
    return new LedgerEntry(
        Instant.parse("2026-03-04T10:00:00Z"),
        "failed-over",
        null,
        null,
        "m",
        provider,
        "u",
        in,
        in / 2,
        0,
        new BigDecimal("0.001"),
        status,
        30,
        false,
        null,
        "chat",
        n,
        target);
  }

  @Test
  void everyAttemptOfARequestIsARowAndTheListingSaysWhichServedAndHowManyItTook() throws Exception {
    // Two attempts in the same millisecond: the attempt number keeps them apart.
    List<LedgerEntry> attempts =
        List.of(
            attempt(1, "t-openai", "openai", 503, 0), attempt(2, "t-claude", "claude", 200, 40));
    assertThat(ledger.insert(attempts)).isEqualTo(2);
    assertThat(ledger.insert(attempts)).as("a replay inserts nothing").isZero();

    var page =
        new UsageQueries(db)
            .requests(
                new UsageFilter(
                    Instant.parse("2026-03-04T00:00:00Z"),
                    Instant.parse("2026-03-05T00:00:00Z"),
                    null,
                    null,
                    null,
                    null,
                    null),
                10,
                0);

    assertThat(page.items())
        .extracting(
            r ->
                r.entry().attempt()
                    + ":"
                    + r.entry().target()
                    + ":"
                    + r.entry().status()
                    + ":"
                    + r.attempts())
        .containsExactlyInAnyOrder("1:t-openai:503:2", "2:t-claude:200:2");
    var tokens =
        db.dsl()
            .fetchOne(
                "select sum(input_tokens) from usage_rollup_hourly"
                    + " where hour = '2026-03-04T10:00:00Z'");
    assertThat(tokens.get(0, Long.class)).isEqualTo(40);
  }

  @Test
  void retentionDropsWholeDailyPartitionsAndKeepsRollups() throws Exception {
    ledger.insert(
        List.of(
            entry("old", "2026-01-10T23:00:00Z"),
            entry("edge", "2026-01-11T00:00:00Z"),
            entry("new", "2026-01-12T08:00:00Z")));
    List<String> dropped = ledger.dropPartitionsBefore(Instant.parse("2026-01-11T12:00:00Z"));
    assertThat(dropped).containsExactly("usage_ledger_p20260110");
    assertThat(ledger.contains("old")).isFalse();
    assertThat(ledger.contains("edge")).isTrue();
    assertThat(ledger.contains("new")).isTrue();
    long rolled =
        db.dsl().fetchOne("select sum(requests) from usage_rollup_hourly").get(0, Long.class);
    assertThat(rolled).isGreaterThanOrEqualTo(3);
    // A partition dropped by retention is recreated if a very late replay needs it.
    ledger.ensurePartition(LocalDate.parse("2026-01-10"));
    assertThat(ledger.insert(List.of(entry("late", "2026-01-10T01:00:00Z")))).isEqualTo(1);
  }
}
