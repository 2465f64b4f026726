package dev.aigateway.fakeprovider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake provider is good enough for the official OpenAI SDK. */
class FakeProviderTest {
  static FakeProvider provider;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    provider = FakeProvider.start(0, Duration.ZERO);
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(provider.baseUrl() + "/v1")
            .apiKey("sk-upstream")
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    provider.close();
  }

  private static ChatCompletionCreateParams.Builder chat(String text) {
    return ChatCompletionCreateParams.builder().model("fake-model").addUserMessage(text);
  }

  @Test
  void aChatIsAnsweredWithUsage() {
    ChatCompletion completion = client.chat().completions().create(chat("hello there").build());

    assertThat(completion.choices().get(0).message().content()).contains("You said: hello there");
    assertThat(completion.usage().orElseThrow().totalTokens()).isPositive();
    assertThat(provider.received().getLast().headers().get("authorization"))
        .isEqualTo("Bearer sk-upstream");
  }

  @Test
  void aStreamEndsWithUsageWhenAskedFor() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(
                chat("one two three")
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build())) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).isEqualTo("You said: one two three");
    assertThat(chunks.getLast().usage()).isPresent();
  }

  @Test
  void offeredToolsAreCalled() {
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(
                chat("weather?")
                    .addTool(
                        ChatCompletionFunctionTool.builder()
                            .function(
                                FunctionDefinition.builder()
                                    .name("get_weather")
                                    .parameters(
                                        com.openai.models.FunctionParameters.builder()
                                            .putAdditionalProperty("type", JsonValue.from("object"))
                                            .build())
                                    .build())
                            .build())
                    .build());

    var call = completion.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
  }

  @Test
  void embeddingsHaveTheAskedDimensions() {
    var response =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("fake-embedding")
                    .input("some text")
                    .dimensions(16)
                    .build());
    assertThat(response.data().get(0).embedding()).hasSize(16);
  }

  @Test
  void failuresOnDemandReachTheClient() {
    provider.failNext(429, "slow down");
    assertThatThrownBy(() -> client.chat().completions().create(chat("x").build()))
        .isInstanceOf(RateLimitException.class);
    provider.failNext(503, "down");
    assertThatThrownBy(() -> client.chat().completions().create(chat("x").build()))
        .isInstanceOf(InternalServerException.class);
  }

  @Test
  void aRecordingIsReplayed() throws Exception {
    Cassette cassette =
        Cassette.read(
            Path.of(System.getProperty("gateway.fixtures"), "openai-recordings/chat-basic.yaml"));
    provider.replay(cassette);

    ChatCompletion completion = client.chat().completions().create(chat("ignored").build());

    assertThat(completion.id()).isEqualTo(idOf(cassette.interactions().get(0).responseBody()));
  }

  private static String idOf(String json) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("id").asText();
  }
}
