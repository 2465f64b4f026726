package dev.aigateway.dataplane.translate;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.chat.Expect;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Azure OpenAI through the OpenAI translator: the body passes unchanged except the model and the
 * usage option, the path names the deployment and API version, and Azure's recorded answers
 * (content-filter annotations included) reach the client unchanged with their usage metered.
 */
class OpenAiTranslatorTest {
  private static final RequestContext AZURE =
      Providers.context(
          ProviderSchema.AZURE_OPENAI, Map.of("api_version", "2024-10-21"), "gpt 4o deployment");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CHAT_COMPLETIONS | 'messages':[{'role':'user','content':'hi'}] | /openai/deployments/gpt%204o%20deployment/chat/completions?api-version=2024-10-21 | /model = 'gpt 4o deployment'; /stream_options = MISSING",
        "CHAT_COMPLETIONS | 'stream':true,'messages':[{'role':'user','content':'hi'}] | /openai/deployments/gpt%204o%20deployment/chat/completions?api-version=2024-10-21 | /stream_options = {'include_usage':true}",
        "CHAT_COMPLETIONS | 'stream':true,'stream_options':{'include_usage':false},'messages':[] | /openai/deployments/gpt%204o%20deployment/chat/completions?api-version=2024-10-21 | /stream_options = {'include_usage':true}",
        "CHAT_COMPLETIONS | 'reasoning_effort':'low','tools':[{'type':'function','function':{'name':'f'}}],'messages':[] | /openai/deployments/gpt%204o%20deployment/chat/completions?api-version=2024-10-21 | /reasoning_effort = 'low'; /tools/0/function/name = 'f'",
        "EMBEDDINGS       | 'input':'hi','stream':true | /openai/deployments/gpt%204o%20deployment/embeddings?api-version=2024-10-21 | /stream_options = MISSING",
      })
  void requestTable(Endpoint endpoint, String fields, String path, String expected) {
    UpstreamRequest upstream =
        new OpenAiTranslator(endpoint).request(json("{'model':'public'," + fields + "}"), AZURE);
    assertThat(upstream.path()).isEqualTo(path);
    Expect.of(expected).check(tree(upstream.body()));
  }

  /** Recorded Azure answers: passed unchanged, usage read. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "openllmetry/test_chat.yaml, 0",
    "openllmetry/test_chat_reasoning.yaml, 0",
    "pydantic-ai/test_azure_provider_call.yaml, 0",
  })
  void recordedAzureRepliesPassUnchangedWithUsageMetered(String cassette, int index) {
    JsonNode interaction = Fixtures.interaction("azure-openai-recordings/" + cassette, index);
    byte[] body = Fixtures.responseBody(interaction);
    OpenAiTranslator t = new OpenAiTranslator(Endpoint.CHAT_COMPLETIONS);
    t.request(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"), AZURE);
    assertThat(t.startResponse(200, "application/json")).isFalse();
    BodyResult result = t.responseBody(body, true);

    assertThat(result.body()).isNull();
    JsonNode usage = tree(body).path("usage");
    assertThat(result.usage())
        .isEqualTo(
            new TokenUsage(
                usage.path("prompt_tokens").asLong(),
                usage.path("completion_tokens").asLong(),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0)));
    assertThat(result.usage().inputTokens()).isPositive();
  }

  /**
   * Azure's recorded stream (its first chunk carries only prompt filter results and no choices)
   * reaches the client as it came; the client did not ask for usage and the recording has none.
   */
  @ParameterizedTest(name = "interaction {0}")
  @CsvSource({"0", "1"})
  void recordedAzureStreamPassesInOrder(int index) {
    JsonNode interaction =
        Fixtures.interaction("azure-openai-recordings/openllmetry/test_chat_streaming.yaml", index);
    byte[] upstream = Fixtures.responseBody(interaction);
    OpenAiTranslator t = new OpenAiTranslator(Endpoint.CHAT_COMPLETIONS);
    t.request(
        json("{'model':'m','stream':true,'messages':[{'role':'user','content':'hi'}]}"), AZURE);
    assertThat(t.startResponse(200, "text/event-stream; charset=utf-8")).isTrue();
    byte[] out =
        OpenAiStream.feedInPieces(
            upstream,
            29,
            (piece, end) -> {
              byte[] b = t.responseBody(piece, end).body();
              return b == null ? piece : b;
            });
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(text).isEqualTo(new String(upstream, StandardCharsets.UTF_8));
    assertThat(text).contains("prompt_filter_results").contains("data: [DONE]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"openllmetry/test_chat_reasoning.yaml, 1, 404"})
  void azureErrorsInOpenAiShapePassUnchanged(String cassette, int index, int status) {
    JsonNode interaction = Fixtures.interaction("azure-openai-recordings/" + cassette, index);
    assertThat(Fixtures.status(interaction)).isEqualTo(status);
    OpenAiTranslator t = new OpenAiTranslator(Endpoint.CHAT_COMPLETIONS);
    assertThat(t.startResponse(status, "application/json")).isFalse();
    assertThat(t.responseError(status, "application/json", Fixtures.responseBody(interaction)))
        .isNull();
    assertThat(tree(Fixtures.responseBody(interaction)).path("error").path("code").asText())
        .isEqualTo("DeploymentNotFound");
  }
}
