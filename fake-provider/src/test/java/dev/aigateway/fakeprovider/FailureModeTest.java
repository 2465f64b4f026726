package dev.aigateway.fakeprovider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailureModeTest {
  private FakeProvider provider;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    provider = FakeProvider.start(0, Duration.ZERO);
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private HttpResponse<String> post(String path, String model) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + path))
            .header("content-type", "application/json")
            .header("authorization", "Bearer sk-test")
            .header("x-api-key", "sk-test")
            .header("anthropic-version", "2023-06-01")
            .timeout(Duration.ofSeconds(5))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\""
                        + model
                        + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyTheSelectedUpstreamModelFailsWithItsStatusAndRetryAfter() throws Exception {
    provider.failModel("gpt-down", FailureMode.tooManyRequests(Duration.ofSeconds(12)));

    HttpResponse<String> failed = post("/v1/chat/completions", "gpt-down");
    HttpResponse<String> fine = post("/v1/chat/completions", "gpt-up");

    assertThat(failed.statusCode()).isEqualTo(429);
    assertThat(failed.headers().firstValue("retry-after")).hasValue("12");
    assertThat(failed.body()).contains("\"error\"");
    assertThat(fine.statusCode()).isEqualTo(200);
  }

  @Test
  void anthropicOverloadedIs529InAnthropicsShape() throws Exception {
    provider.failModel("claude-busy", FailureMode.status(529));

    HttpResponse<String> failed = post("/v1/messages", "claude-busy");

    assertThat(failed.statusCode()).isEqualTo(529);
    assertThat(failed.body()).contains("\"type\":\"error\"");
  }

  @Test
  void aResetClosesTheConnectionWithoutAResponse() {
    provider.failPath("/v1/chat", new FailureMode.Reset());

    assertThatThrownBy(() -> post("/v1/chat/completions", "any")).isInstanceOf(IOException.class);
  }

  @Test
  void aSlowTargetAnswersOnlyAfterItsDelayAndRecoveryEndsEveryRule() throws Exception {
    provider.failModel("gpt-slow", new FailureMode.Slow(Duration.ofMillis(600)));

    long start = System.nanoTime();
    HttpResponse<String> slow = post("/v1/chat/completions", "gpt-slow");
    long slowMillis = (System.nanoTime() - start) / 1_000_000;
    provider.recover();
    start = System.nanoTime();
    post("/v1/chat/completions", "gpt-slow");
    long fastMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(slow.statusCode()).isEqualTo(200);
    assertThat(slowMillis).isGreaterThanOrEqualTo(600);
    assertThat(fastMillis).isLessThan(600);
  }
}
