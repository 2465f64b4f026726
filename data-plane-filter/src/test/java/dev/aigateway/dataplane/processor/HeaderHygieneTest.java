package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.config.ProviderSchema;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeaderHygieneTest {
  private static final Map<String, String> CLIENT =
      Map.of(
          ":path", "/v1/chat/completions",
          "host", "gateway",
          "content-type", "application/json",
          "authorization", "Bearer sk-gw-1",
          "cookie", "a=b",
          "openai-beta", "assistants=v2",
          "anthropic-beta", "tools-2024",
          "x-envoy-retry-on", "5xx",
          "x-request-id", "client-chosen");

  @Test
  void openAiKeepsItsBetaHeaderAndLosesEverythingOutsideTheList() {
    assertThat(HeaderHygiene.requestRemovals(CLIENT, ProviderSchema.OPENAI, Set.of()))
        .containsExactly(
            "anthropic-beta", "authorization", "cookie", "x-envoy-retry-on", "x-request-id");
  }

  @Test
  void headersTheGatewaySetsAreNotRemovedAndOtherSchemasGetNoOpenAiBeta() {
    assertThat(
            HeaderHygiene.requestRemovals(
                CLIENT, ProviderSchema.ANTHROPIC, Set.of("authorization")))
        .containsExactly(
            "anthropic-beta", "cookie", "openai-beta", "x-envoy-retry-on", "x-request-id");
  }

  @Test
  void providerAccountHeadersAreRemovedFromResponses() {
    assertThat(
            HeaderHygiene.responseRemovals(
                Map.of(
                    ":status", "200",
                    "content-type", "application/json",
                    "openai-organization", "org",
                    "anthropic-ratelimit-tokens-remaining", "1",
                    "x-ratelimit-reset-tokens", "1s",
                    "set-cookie", "x",
                    "server", "cloudflare",
                    "x-request-id", "req_1")))
        .containsExactly(
            "anthropic-ratelimit-tokens-remaining",
            "openai-organization",
            "server",
            "set-cookie",
            "x-ratelimit-reset-tokens");
  }
}
