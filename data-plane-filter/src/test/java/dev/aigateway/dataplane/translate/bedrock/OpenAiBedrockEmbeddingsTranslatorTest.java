package dev.aigateway.dataplane.translate.bedrock;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Expect;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bodies from the Titan and Cohere Embed request/response shapes in the Bedrock user guide. */
class OpenAiBedrockEmbeddingsTranslatorTest {
  private static final RequestContext CONTEXT =
      Providers.context(
          ProviderSchema.AWS_BEDROCK,
          Map.of("region", "us-east-1"),
          "amazon.titan-embed-text-v2:0");

  @Test
  void titanEmbeddingIsInvokedAndAnsweredInOpenAisShape() {
    OpenAiBedrockEmbeddingsTranslator t = new OpenAiBedrockEmbeddingsTranslator();
    UpstreamRequest upstream =
        t.request(json("{'model':'m','input':'hello','dimensions':256}"), CONTEXT);

    assertThat(upstream.path()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
    assertThat(tree(upstream.body()).toString())
        .isEqualTo("{\"inputText\":\"hello\",\"dimensions\":256}");

    BodyResult result =
        t.responseBody(
            "{\"embedding\":[0.1,0.2],\"inputTextTokenCount\":3,\"embeddingsByType\":{\"float\":[0.1,0.2]}}"
                .getBytes(),
            true);
    assertThat(tree(result.body()).path("data").get(0).path("embedding").toString())
        .isEqualTo("[0.1,0.2]");
    assertThat(tree(result.body()).path("usage").path("prompt_tokens").asLong()).isEqualTo(3);
    assertThat(result.usage()).isEqualTo(new TokenUsage(3, 0, 0));
  }

  @Test
  void batchInputIsRejectedBecauseTitanEmbedsOneText() {
    assertThatThrownBy(
            () ->
                new OpenAiBedrockEmbeddingsTranslator()
                    .request(json("{'model':'m','input':['a','b']}"), CONTEXT))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo("input"));
  }

  /**
   * The embeddings table: model family, OpenAI request, the InvokeModel body Bedrock documents for
   * that family.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "amazon.titan-embed-text-v2:0   | 'input':'hello'                           | /inputText = 'hello'; /dimensions = MISSING",
        "amazon.titan-embed-text-v2:0   | 'input':['hello'],'dimensions':512        | /inputText = 'hello'; /dimensions = 512",
        "cohere.embed-english-v3        | 'input':['hello','world']                 | /texts = ['hello','world']; /input_type = 'search_document'; /embedding_types = ['float']; /output_dimension = MISSING",
        "cohere.embed-multilingual-v3   | 'input':'hola','encoding_format':'base64' | /texts = ['hola']",
        "cohere.embed-v4:0              | 'input':'hello','dimensions':256          | /texts = ['hello']; /output_dimension = 256",
      })
  void requestTable(String model, String fields, String expected) {
    UpstreamRequest upstream =
        new OpenAiBedrockEmbeddingsTranslator()
            .request(json("{'model':'m'," + fields + "}"), context(model));
    assertThat(upstream.path()).endsWith("/invoke");
    Expect.of(expected).check(tree(upstream.body()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cohere.embed-english-v3 | 'input':'a','dimensions':256 | dimensions",
        "cohere.embed-v4:0       | 'input':'a','dimensions':300 | dimensions",
        "cohere.embed-v4:0       | 'input':[1,2,3]              | input",
        "cohere.embed-v4:0       | 'input':'a','user':'u'       | user",
      })
  void whatCohereCannotHonourIsRejectedByName(String model, String fields, String param) {
    assertThatThrownBy(
            () ->
                new OpenAiBedrockEmbeddingsTranslator()
                    .request(json("{'model':'m'," + fields + "}"), context(model)))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo(param));
  }

  @Test
  void cohereBatchOver96TextsIsRejected() {
    String inputs = String.join(",", java.util.Collections.nCopies(97, "'x'"));
    assertThatThrownBy(
            () ->
                new OpenAiBedrockEmbeddingsTranslator()
                    .request(
                        json("{'model':'m','input':[" + inputs + "]}"),
                        context("cohere.embed-v4:0")))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo("input"));
  }

  /** Documented Cohere answers (see src/test/resources/fixtures/bedrock/NOTICE.md). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "cohere.embed-english-v3, cohere-embed-v3-floats.json, 'hello,world', false, 4",
    "cohere.embed-v4:0, cohere-embed-v4-by-type.json, hello, false, 2",
    "cohere.embed-v4:0, cohere-embed-v4-by-type.json, hello, true, ",
  })
  void cohereAnswersBecomeOpenAiEmbeddingLists(
      String model, String fixture, String inputs, boolean base64, Long headerTokens)
      throws Exception {
    OpenAiBedrockEmbeddingsTranslator t = new OpenAiBedrockEmbeddingsTranslator();
    String input = "['" + String.join("','", inputs.split(",")) + "']";
    t.request(
        json("{'model':'m','input':" + input + (base64 ? ",'encoding_format':'base64'" : "") + "}"),
        context(model));
    byte[] body;
    try (var in = getClass().getResourceAsStream("/fixtures/bedrock/" + fixture)) {
      body = in.readAllBytes();
    }
    assertThat(
            t.startResponse(
                200,
                "application/json",
                headerTokens == null
                    ? Map.of()
                    : Map.of("x-amzn-bedrock-input-token-count", headerTokens.toString())))
        .isFalse();
    BodyResult result = t.responseBody(body, true);

    JsonNode recorded = tree(body).path("embeddings");
    JsonNode vectors = recorded.isObject() ? recorded.path("float") : recorded;
    JsonNode list = tree(result.body());
    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.path("data")).hasSize(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      JsonNode item = list.path("data").get(i);
      assertThat(item.path("index").asInt()).isEqualTo(i);
      if (base64) {
        java.nio.ByteBuffer floats =
            java.nio.ByteBuffer.wrap(
                    java.util.Base64.getDecoder().decode(item.path("embedding").asText()))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(floats.getFloat(0)).isEqualTo(vectors.get(i).get(0).floatValue());
      } else {
        assertThat(item.path("embedding")).isEqualTo(vectors.get(i));
      }
    }
    // Bedrock reports Cohere token counts only in a response header; without it usage is unknown.
    if (headerTokens == null) {
      assertThat(result.usage()).isNull();
    } else {
      assertThat(result.usage()).isEqualTo(new TokenUsage(headerTokens, 0, 0));
      assertThat(list.path("usage").path("prompt_tokens").asLong()).isEqualTo(headerTokens);
    }
    assertThat(result.error()).isNull();
  }

  @Test
  void aCohereAnswerWithTheWrongNumberOfVectorsIsA502() {
    OpenAiBedrockEmbeddingsTranslator t = new OpenAiBedrockEmbeddingsTranslator();
    t.request(json("{'model':'m','input':['a','b','c']}"), context("cohere.embed-english-v3"));
    BodyResult result = t.responseBody("{\"embeddings\":[[0.1]]}".getBytes(), true);
    assertThat(result.error().status()).isEqualTo(502);
  }

  private static RequestContext context(String model) {
    return Providers.context(ProviderSchema.AWS_BEDROCK, Map.of("region", "us-east-1"), model);
  }
}
