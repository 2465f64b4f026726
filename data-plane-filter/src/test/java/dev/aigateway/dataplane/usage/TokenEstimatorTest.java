package dev.aigateway.dataplane.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
  private static final ObjectMapper json = new ObjectMapper();
  private final TokenEstimator estimator = new TokenEstimator();

  private static JsonNode chat(String content) throws Exception {
    return json.readTree(
        json.writeValueAsString(
            java.util.Map.of(
                "model",
                "gpt-4o",
                "messages",
                java.util.List.of(java.util.Map.of("role", "user", "content", content)))));
  }

  @Test
  void aChatMessageCostsItsTokensPlusTheMessageAndReplyOverhead() throws Exception {
    // o200k_base: "hello" and " world" are one token each; 3 per message, 3 before the reply.
    assertEquals(2 + 3 + 3, estimator.estimate("gpt-4o", chat("hello world")));
  }

  @Test
  void theSpellingOfASpecialTokenIsCountedAsText() throws Exception {
    // jtokkit's countTokens throws on "<|endoftext|>"; a user may well write it, and the provider
    // reads it as text, so the estimate counts it as text instead of failing the request.
    long plain = estimator.estimate("gpt-4o", chat("see "));
    long withSpecial = estimator.estimate("gpt-4o", chat("see <|endoftext|>"));
    assertTrue(withSpecial > plain + 1, withSpecial + " vs " + plain);
  }
}
