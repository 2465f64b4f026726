package dev.aigateway.dataplane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.db.usage.LedgerEntry;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpoolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"responses", "messages_count_tokens"})
  void aSpooledEntryComesBackWithItsInputApi(String inputApi) throws Exception {
    LedgerEntry entry =
        new LedgerEntry(
            Instant.parse("2026-03-02T10:00:00.123Z"),
            "req-1",
            UUID.randomUUID(),
            null,
            "m",
            "p",
            "u",
            10,
            5,
            2,
            new BigDecimal("0.0010000000"),
            200,
            30,
            true,
            null,
            inputApi);

    assertThat(Spool.fromJson(JSON.readTree(Spool.toJson(entry)))).isEqualTo(entry);
  }

  @org.junit.jupiter.api.Test
  void anEntrySpooledBeforeTheInputApiWasRecordedReadsBackWithoutOne() throws Exception {
    // Also before failover (issue 19): the only attempt of its request, no target recorded.
    String old =
        "{\"time\":\"2026-03-02T10:00:00Z\",\"request_id\":\"r\",\"key_id\":null,"
            + "\"team_id\":null,\"model\":\"m\",\"provider\":\"p\",\"upstream_model\":\"u\","
            + "\"input_tokens\":1,\"output_tokens\":2,\"cached_tokens\":0,\"cost_usd\":\"0\","
            + "\"status\":200,\"latency_ms\":3,\"streamed\":false}";

    LedgerEntry read = Spool.fromJson(JSON.readTree(old));

    assertThat(read.inputApi()).isNull();
    assertThat(read.attempt()).isEqualTo(1);
    assertThat(read.target()).isNull();
  }

  @org.junit.jupiter.api.Test
  void aSpooledAttemptComesBackWithItsAttemptNumberAndTarget() throws Exception {
    Spool spool = new Spool(java.nio.file.Files.createTempDirectory("spool"), 1 << 20);
    LedgerEntry failedOver = entry(2, "0f7c2c1e-target-anthropic");
    LedgerEntry answeredLocally = entry(0, null);
    spool.append(java.util.List.of(failedOver, answeredLocally));

    java.util.List<java.nio.file.Path> files = spool.seal();
    Spool.Contents contents = spool.read(files.getFirst());

    assertThat(contents.badLines()).isEmpty();
    assertThat(contents.entries()).containsExactly(failedOver, answeredLocally);
    assertThat(contents.entries().getFirst().attempt()).isEqualTo(2);
    assertThat(contents.entries().getFirst().target()).isEqualTo("0f7c2c1e-target-anthropic");
  }

  private static LedgerEntry entry(int attempt, String target) {
    return new LedgerEntry(
        Instant.parse("2026-03-02T10:00:00.123Z"),
        "req-2",
        UUID.randomUUID(),
        UUID.randomUUID(),
        "chat",
        "anthropic",
        "claude",
        10,
        5,
        0,
        new BigDecimal("0.0010000000"),
        attempt == 0 ? 429 : 200,
        30,
        false,
        null,
        "chat",
        attempt,
        target);
  }
}
