package dev.aigateway.dataplane.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
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

  @Test
  void eachModelGetsTheEncodingJtokkitWouldPick() {
    EncodingRegistry jtokkit = Encodings.newLazyEncodingRegistry();
    for (String model :
        java.util.List.of(
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-4o-2024-08-06",
            "gpt-4",
            "gpt-4-0613",
            "gpt-4-32k-0314",
            "gpt-4-turbo",
            "gpt-3.5-turbo",
            "gpt-3.5-turbo-0125",
            "gpt-3.5-turbo-16k-0613",
            "text-embedding-ada-002",
            "text-embedding-3-small",
            "text-davinci-003",
            "code-davinci-002",
            "davinci",
            "gpt-5-nano",
            "o3-mini",
            "claude-3-5-sonnet-20241022",
            "gemini-2.0-flash",
            "")) {
      String expected =
          jtokkit
              .getEncodingForModel(model)
              .map(Encoding::getName)
              .orElse(EncodingType.O200K_BASE.getName());
      assertEquals(expected, TokenEstimator.encodingType(model).getName(), model);
    }
  }

  @Test
  void aGpt4PromptIsCountedWithCl100kBase() throws Exception {
    // cl100k_base splits numbers into runs of up to 3 digits too, but "hello world" costs the same;
    // a string whose counts differ between the encodings shows which one was used.
    String text = "Ünïcödé wörds ünd Sätze für größere Überprüfungen";
    EncodingRegistry jtokkit = Encodings.newLazyEncodingRegistry();
    int cl100k = jtokkit.getEncoding(EncodingType.CL100K_BASE).countTokensOrdinary(text);
    int o200k = jtokkit.getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(text);
    assertTrue(cl100k != o200k, cl100k + " vs " + o200k);
    assertEquals(cl100k + 3 + 3, estimator.estimate("gpt-4", chat(text)));
    assertEquals(o200k + 3 + 3, estimator.estimate("gpt-4o", chat(text)));
  }
}
