package dev.aigateway.dataplane.translate.bedrock;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bodies from the Titan Text Embeddings V2 request/response shapes in the Bedrock user guide. */
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
}
