package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.quota.QuotaRule;
import dev.aigateway.dataplane.quota.RateLimits;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK sees the gateway's quota refusal (the exact immediate response the
 * ext_proc sends Envoy: status, headers and body) as a rate-limit error.
 */
class RateLimitSdkTest {

  @Test
  void openAiJavaSdkRaisesRateLimitExceptionForTheQuotaRefusal() throws Exception {
    QuotaRule rule =
        new QuotaRule(
            UUID.randomUUID(),
            QuotaRule.Scope.KEY,
            UUID.randomUUID(),
            null,
            QuotaMetric.TOTAL_TOKENS,
            QuotaWindow.MINUTE,
            1000);
    ImmediateResponse reply =
        Responses.error(
                RateLimits.exceeded(
                    rule,
                    Instant.parse("2026-11-25T10:00:30Z"),
                    Map.of("x-ratelimit-limit-tokens", "1000")),
                ErrorShape.OPENAI)
            .getImmediateResponse();

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          for (HeaderValueOption h : reply.getHeaders().getSetHeadersList()) {
            String value =
                h.getHeader().getValue().isEmpty()
                    ? h.getHeader().getRawValue().toStringUtf8()
                    : h.getHeader().getValue();
            exchange.getResponseHeaders().add(h.getHeader().getKey(), value);
          }
          byte[] body = reply.getBody().toByteArray();
          exchange.sendResponseHeaders(reply.getStatus().getCodeValue(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .apiKey("sk-gw-test")
              .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
              .maxRetries(0)
              .build();
      RateLimitException e =
          catchThrowableOfType(
              RateLimitException.class,
              () ->
                  client
                      .chat()
                      .completions()
                      .create(
                          ChatCompletionCreateParams.builder()
                              .model(ChatModel.GPT_4O_MINI)
                              .addUserMessage("hi")
                              .build()));
      assertThat(e).isNotNull();
      assertThat(e.statusCode()).isEqualTo(429);
      assertThat(e.headers().values("retry-after")).containsExactly("30");
      assertThat(e.code()).hasValue("rate_limit_exceeded");
      assertThat(e.type()).hasValue("rate_limit_exceeded");
    } finally {
      server.stop(0);
    }
  }
}
