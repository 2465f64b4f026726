package dev.aigateway.dataplane.translate.responses;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.Translators;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /v1/responses} to providers that serve it: the request and the answer pass unchanged but
 * for {@code model}, and usage is metered from the answer. Answers replayed from {@code
 * fixtures/openai-responses} (written from OpenAI's published formats, see its NOTICE.md).
 */
class ResponsesPassThroughTest {
  private static final String REQUEST =
      "{'model':'public-model','input':'Tell me a joke.','store':true,"
          + "'previous_response_id':'resp_abc','include':['reasoning.encrypted_content']}";

  static byte[] fixture(String name) {
    try (InputStream in =
        ResponsesPassThroughTest.class.getResourceAsStream("/fixtures/openai-responses/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RequestContext context(ProviderSchema schema, Map<String, String> settings) {
    return Providers.context(schema, settings, "gpt-5-nano");
  }

  @ParameterizedTest
  @CsvSource({
    "OPENAI, '', /v1/responses",
    "OPENAI_COMPATIBLE, true, /v1/responses",
    "AZURE_OPENAI, '', /openai/responses?api-version=2025-04-01-preview",
  })
  void theBodyPassesWithOnlyTheModelReplacedAndStoredStateLeftToTheProvider(
      ProviderSchema schema, String responsesApi, String path) {
    RequestContext context =
        context(schema, Map.of("responses_api", responsesApi, "api_version", "2025-04-01-preview"));
    Translator t = Translators.create(context.provider(), Endpoint.RESPONSES);
    assertThat(t).isInstanceOf(ResponsesPassThroughTranslator.class);

    UpstreamRequest upstream = t.request(json(REQUEST), context);

    assertThat(upstream.path()).isEqualTo(path);
    JsonNode sent = ResponsesSse.tree(new String(upstream.body(), StandardCharsets.UTF_8));
    JsonNode expected = json(REQUEST).put("model", "gpt-5-nano");
    assertThat(sent).isEqualTo(expected);
  }

  @Test
  void anOpenAiCompatibleServerThatDoesNotDeclareTheResponsesApiGetsChatCompletions() {
    RequestContext context = context(ProviderSchema.OPENAI_COMPATIBLE, Map.of());
    Translator t = Translators.create(context.provider(), Endpoint.RESPONSES);

    UpstreamRequest upstream =
        t.request(json("{'model':'public-model','input':'Tell me a joke.'}"), context);

    assertThat(t).isInstanceOf(ResponsesViaChatTranslator.class);
    assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
    assertThat(new String(upstream.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model\":\"gpt-5-nano\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a"
                + " joke.\"}]}");
  }

  @ParameterizedTest
  @CsvSource({
    "text.json, 24, 84, 8",
    "function-call.json, 63, 21, 0",
  })
  void aJsonAnswerPassesUnchangedAndItsUsageIsMetered(
      String fixture, long input, long output, long cached) {
    Translator t = passThrough(Endpoint.RESPONSES);
    byte[] answer = fixture(fixture);
    ResponsesSse.response(answer); // the fixture is what the OpenAI SDK reads

    assertThat(t.startResponse(200, "application/json")).isFalse();
    BodyResult result = t.responseBody(answer, true);

    assertThat(result.body()).isNull();
    assertThat(result.usage()).isEqualTo(new TokenUsage(input, output, cached));
  }

  @ParameterizedTest
  @CsvSource({
    "text.sse, 7, 18, 16, response.completed",
    "text.sse, 100000, 18, 16, response.completed",
    "function-call.sse, 13, 63, 21, response.completed",
    "incomplete.sse, 29, 12, 16, response.incomplete",
  })
  void aStreamPassesUnchangedAndItsTerminalEventIsMetered(
      String fixture, int piece, long input, long output, String terminal) {
    Translator t = passThrough(Endpoint.RESPONSES);
    byte[] answer = fixture(fixture);
    assertThat(ResponsesSse.parse(answer).types().getLast()).isEqualTo(terminal);
    assertThat(t.startResponse(200, "text/event-stream; charset=utf-8")).isTrue();

    TokenUsage usage = null;
    for (int i = 0; i < answer.length; i += piece) {
      boolean end = i + piece >= answer.length;
      BodyResult r =
          t.responseBody(Arrays.copyOfRange(answer, i, Math.min(answer.length, i + piece)), end);
      assertThat(r.body()).isNull();
      if (r.usage() != null) {
        assertThat(end).isTrue();
        usage = r.usage();
      }
    }

    assertThat(usage).isEqualTo(new TokenUsage(input, output, 0));
  }

  @Test
  void inputTokenCountsGoToTheProviderAndAreNotMetered() {
    RequestContext context = context(ProviderSchema.OPENAI, Map.of());
    Translator t = Translators.create(context.provider(), Endpoint.RESPONSES_INPUT_TOKENS);

    UpstreamRequest upstream =
        t.request(json("{'model':'public-model','input':'Tell me a joke.'}"), context);
    t.startResponse(200, "application/json");
    BodyResult result = t.responseBody(fixture("input-tokens.json"), true);

    assertThat(upstream.path()).isEqualTo("/v1/responses/input_tokens");
    assertThat(result.body()).isNull();
    assertThat(result.usage()).isNull();
  }

  @Test
  void upstreamErrorsInOpenAisShapePassAndOthersNameOnlyTheStatus() {
    Translator t = passThrough(Endpoint.RESPONSES);
    byte[] openAi =
        "{\"error\":{\"message\":\"Previous response with id 'resp_x' not found.\",\"type\":\"invalid_request_error\",\"param\":\"previous_response_id\",\"code\":\"previous_response_not_found\"}}"
            .getBytes(StandardCharsets.UTF_8);

    assertThat(t.responseError(400, "application/json", openAi)).isNull();
    assertThat(
            new String(
                t.responseError(502, "text/html", "<html>".getBytes()), StandardCharsets.UTF_8))
        .contains("HTTP 502")
        .doesNotContain("html");
  }

  private static Translator passThrough(Endpoint endpoint) {
    RequestContext context = context(ProviderSchema.OPENAI, Map.of());
    Translator t = Translators.create(context.provider(), endpoint);
    t.request(json("{'model':'public-model','input':'hi'}"), context);
    return t;
  }
}
