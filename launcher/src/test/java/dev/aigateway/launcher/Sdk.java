package dev.aigateway.launcher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.time.Duration;

/**
 * The official OpenAI SDK pointed at the gateway's proxy port. No client retries: each call is
 * exactly one request, so what a test counts is what the gateway did.
 */
final class Sdk {
  private Sdk() {}

  static OpenAIOkHttpClient.Builder openAiBuilder(int proxyPort, String key) {
    return OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + proxyPort + "/v1")
        .apiKey(key)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(20));
  }

  static OpenAIClient openAi(int proxyPort, String key) {
    return openAiBuilder(proxyPort, key).build();
  }
}
