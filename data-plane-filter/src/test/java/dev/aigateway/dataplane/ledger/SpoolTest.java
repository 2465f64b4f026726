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
    String old =
        "{\"time\":\"2026-03-02T10:00:00Z\",\"request_id\":\"r\",\"key_id\":null,"
            + "\"team_id\":null,\"model\":\"m\",\"provider\":\"p\",\"upstream_model\":\"u\","
            + "\"input_tokens\":1,\"output_tokens\":2,\"cached_tokens\":0,\"cost_usd\":\"0\","
            + "\"status\":200,\"latency_ms\":3,\"streamed\":false}";

    assertThat(Spool.fromJson(JSON.readTree(old)).inputApi()).isNull();
  }
}
