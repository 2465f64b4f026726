package dev.aigateway.dataplane.translate.gemini;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.types.Content;
import com.google.genai.types.EmbedContentResponse;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bodies written from the documented shapes (no recording covers Gemini embeddings). */
class OpenAiGeminiEmbeddingsTranslatorTest {

  @Test
  void geminiBatchEmbedsEveryInputWithTheRequestedDimensions() {
    OpenAiGeminiEmbeddingsTranslator t =
        new OpenAiGeminiEmbeddingsTranslator(ProviderSchema.GEMINI);
    UpstreamRequest upstream =
        t.request(
            json("{'model':'m','input':['a','b'],'dimensions':2}"),
            Providers.context(ProviderSchema.GEMINI, Map.of(), "gemini-embedding-001"));

    assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    JsonNode requests = tree(upstream.body()).path("requests");
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).path("model").asText()).isEqualTo("models/gemini-embedding-001");
    assertThat(requests.get(1).path("outputDimensionality").asInt()).isEqualTo(2);
    assertThat(Content.fromJson(requests.get(1).path("content").toString()).text()).isEqualTo("b");

    String answer = "{\"embeddings\":[{\"values\":[0.25,-0.5]},{\"values\":[1.0,0.0]}]}";
    assertThat(EmbedContentResponse.fromJson(answer).embeddings().orElseThrow()).hasSize(2);
    BodyResult result = t.responseBody(answer.getBytes(), true);
    JsonNode list = tree(result.body());
    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.path("data").get(1).path("index").asInt()).isEqualTo(1);
    assertThat(list.path("data").get(0).path("embedding").toString()).isEqualTo("[0.25,-0.5]");
    assertThat(result.usage()).isNull(); // the Gemini API reports no token counts here
  }

  @Test
  void vertexPredictCountsTokensAndEncodesBase64LikeOpenAi() {
    OpenAiGeminiEmbeddingsTranslator t =
        new OpenAiGeminiEmbeddingsTranslator(ProviderSchema.GCP_VERTEX);
    UpstreamRequest upstream =
        t.request(
            json("{'model':'m','input':'hello','encoding_format':'base64'}"),
            Providers.context(
                ProviderSchema.GCP_VERTEX,
                Map.of("project", "p", "location", "europe-west4"),
                "text-embedding-005"));

    assertThat(upstream.path())
        .isEqualTo(
            "/v1/projects/p/locations/europe-west4/publishers/google/models/text-embedding-005:predict");
    assertThat(tree(upstream.body()).toString())
        .isEqualTo("{\"instances\":[{\"content\":\"hello\"}]}");

    BodyResult result =
        t.responseBody(
            "{\"predictions\":[{\"embeddings\":{\"statistics\":{\"truncated\":false,\"token_count\":2},\"values\":[0.5,-1.0]}}]}"
                .getBytes(),
            true);
    byte[] floats =
        Base64.getDecoder()
            .decode(tree(result.body()).path("data").get(0).path("embedding").asText());
    ByteBuffer buffer = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(buffer.getFloat()).isEqualTo(0.5f);
    assertThat(buffer.getFloat()).isEqualTo(-1.0f);
    assertThat(result.usage()).isEqualTo(new TokenUsage(2, 0, 0));
  }

  @Test
  void tokenArrayInputIsRejectedByName() {
    assertThatThrownBy(
            () ->
                new OpenAiGeminiEmbeddingsTranslator(ProviderSchema.GEMINI)
                    .request(
                        json("{'model':'m','input':[[1,2,3]]}"),
                        Providers.context(ProviderSchema.GEMINI, Map.of(), "e")))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo("input"));
  }
}
