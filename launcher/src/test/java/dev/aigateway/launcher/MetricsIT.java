package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.aigateway.fakeprovider.FakeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway's {@code /metrics} after real OpenAI SDK requests: tokens and cost by model,
 * provider and team as counters whose values are the requests' usage and the ledger's cost, and the
 * request-duration and time-to-first-token histograms with their fixed buckets.
 */
class MetricsIT {
  private static final String ADMIN_TOKEN = "metrics-admin-token-0123456789abcdef01234567";
  private static final double INPUT_PER_MILLION = 2.5;
  private static final double OUTPUT_PER_MILLION = 10;
  private static final String PROVIDER = "gen_ai_provider_name=\"local\"";
  private static final String MODEL = "gen_ai_request_model=\"priced\"";
  private static final String INPUT = "gen_ai_token_type=\"input\"";
  private static final String OUTPUT = "gen_ai_token_type=\"output\"";

  @TempDir Path dataDir;

  @Test
  void metricsCountTokensAndCostPerTeamAndHistogramLatencyAfterRealRequests() throws Exception {
    try (FakeProvider upstream = FakeProvider.start(0, Duration.ZERO)) {
      int proxyPort = GatewayProcess.freePort();
      try (GatewayProcess gateway =
          GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort, Map.of())) {
        AdminClient admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
        admin.createOpenAiCompatible("local", upstream.baseUrl() + "/v1", "sk-upstream-01");
        admin.create(
            "/models",
            Map.of(
                "name",
                "priced",
                "targets",
                List.of(Map.of("provider", "local", "model", "fake-model")),
                "pricing",
                Map.of(
                    "input_per_million",
                    INPUT_PER_MILLION,
                    "output_per_million",
                    OUTPUT_PER_MILLION)));
        admin.create("/teams", Map.of("name", "search"));
        String key = admin.createKey("k", "search").path("key").asText();
        OpenAIClient client = Sdk.openAi(proxyPort, key);
        ChatCompletionCreateParams chat =
            ChatCompletionCreateParams.builder()
                .model("priced")
                .addUserMessage("how many tokens is this?")
                .maxCompletionTokens(32)
                .build();
        // Until xDS has delivered the routes, requests fail (and count nowhere below).
        List<CompletionUsage> usages = new ArrayList<>();
        Await.awaitTrue(
            Duration.ofSeconds(30),
            () -> {
              try {
                usages.add(client.chat().completions().create(chat).usage().orElseThrow());
                return true;
              } catch (RuntimeException notRoutableYet) {
                return false;
              }
            });
        for (int i = 0; i < 3; i++) {
          usages.add(client.chat().completions().create(chat).usage().orElseThrow());
        }
        try (StreamResponse<ChatCompletionChunk> stream =
            client
                .chat()
                .completions()
                .createStreaming(
                    chat.toBuilder()
                        .streamOptions(
                            ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
          stream.stream().flatMap(c -> c.usage().stream()).forEach(usages::add);
        }
        assertThat(usages).hasSize(5);
        long input = usages.stream().mapToLong(CompletionUsage::promptTokens).sum();
        long output = usages.stream().mapToLong(CompletionUsage::completionTokens).sum();
        double cost = (input * INPUT_PER_MILLION + output * OUTPUT_PER_MILLION) / 1e6;
        assertThat(input).isPositive();
        assertThat(output).isPositive();

        String[] team = {PROVIDER, MODEL, "team=\"search\""};
        Await.awaitTrue(
            Duration.ofSeconds(10),
            () -> value(metrics(gateway), "gateway_usage_tokens_total", team, INPUT) >= input);
        String metrics = metrics(gateway);

        assertThat(value(metrics, "gateway_usage_tokens_total", team, INPUT)).isEqualTo(input);
        assertThat(value(metrics, "gateway_usage_tokens_total", team, OUTPUT)).isEqualTo(output);
        double counted = value(metrics, "gateway_usage_cost_usd_total", team);
        assertThat(counted).isCloseTo(cost, within(1e-12));
        // The same figures as the usage ledger's, which the console and the usage API show.
        JsonNode totals = ledgerTotals(admin, input);
        assertThat(counted).isCloseTo(totals.path("cost_usd").asDouble(), within(1e-12));
        assertThat(totals.path("output_tokens").asLong()).isEqualTo(output);

        // The semantic conventions' token histogram, under the name the docs give.
        String[] ok = {PROVIDER, MODEL, "http_response_status_code=\"200\""};
        assertThat(metrics).doesNotContain("__token_");
        assertThat(value(metrics, "gen_ai_client_token_usage_sum", ok, INPUT)).isEqualTo(input);
        assertThat(value(metrics, "gen_ai_client_token_usage_count", ok, OUTPUT)).isEqualTo(5);

        // Latency histograms: fixed buckets, every request in +Inf, cumulative counts.
        assertThat(value(metrics, "gen_ai_server_request_duration_seconds_count", ok)).isEqualTo(5);
        List<Double> duration = buckets(metrics, "gen_ai_server_request_duration_seconds", ok);
        assertThat(duration).hasSize(18).isSorted().last().isEqualTo(5.0);
        assertThat(value(metrics, "gen_ai_server_time_to_first_token_seconds_count", ok))
            .isEqualTo(1);
        List<Double> firstToken = buckets(metrics, "gen_ai_server_time_to_first_token_seconds", ok);
        assertThat(firstToken).hasSize(17).isSorted().last().isEqualTo(1.0);
      }
    }
  }

  private static JsonNode ledgerTotals(AdminClient admin, long input) throws Exception {
    JsonNode[] totals = new JsonNode[1];
    Await.awaitTrue(
        Duration.ofSeconds(10),
        () -> {
          try {
            totals[0] = admin.get("/usage?group_by=team").path("totals");
          } catch (Exception e) {
            return false;
          }
          // The warm-up request is in the ledger too: wait for all of them.
          return totals[0].path("input_tokens").asLong() >= input;
        });
    return totals[0];
  }

  private static String metrics(GatewayProcess gateway) {
    return gateway.get("/metrics").orElseThrow().body();
  }

  /** The value of the one sample {@code name{...}} that has all these label pairs. */
  private static double value(String metrics, String name, String[] labels, String... more) {
    List<Double> found = samples(metrics, name, labels, more);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size() + " samples of " + name + " " + List.of(labels) + " in\n" + metrics);
    }
    return found.getFirst();
  }

  /**
   * The bucket counts of a histogram's series, in the exposition's order (ascending {@code le}).
   */
  private static List<Double> buckets(String metrics, String histogram, String[] labels) {
    return samples(metrics, histogram + "_bucket", labels);
  }

  private static List<Double> samples(
      String metrics, String name, String[] labels, String... more) {
    List<Double> found = new ArrayList<>();
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{")
          && Stream.concat(Stream.of(labels), Stream.of(more)).allMatch(line::contains)) {
        found.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return found;
  }
}
