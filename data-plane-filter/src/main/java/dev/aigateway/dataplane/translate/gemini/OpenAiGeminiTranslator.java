package dev.aigateway.dataplane.translate.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.ChatBodies;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI chat completions in, Gemini {@code generateContent} / {@code streamGenerateContent} out,
 * for both the Gemini API ({@code gemini}) and Vertex AI ({@code gcp_vertex}): the two share the
 * body format and differ in path and credentials.
 */
public final class OpenAiGeminiTranslator implements Translator {
  private final ProviderSchema schema;
  private final Clock clock;
  private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
  private boolean includeUsage;
  private String model = "";
  private @Nullable GeminiStream stream;

  public OpenAiGeminiTranslator(ProviderSchema schema) {
    this(schema, Clock.systemUTC());
  }

  public OpenAiGeminiTranslator(ProviderSchema schema, Clock clock) {
    if (schema != ProviderSchema.GEMINI && schema != ProviderSchema.GCP_VERTEX) {
      throw new IllegalArgumentException("schema: " + schema + " (expected: GEMINI or GCP_VERTEX)");
    }
    this.schema = schema;
    this.clock = clock;
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ChatRequest chat = new ChatRequest(body);
    ObjectNode translated = GeminiRequests.build(chat, schema.wire(), context.upstreamModel());
    includeUsage = chat.includeUsage();
    model = context.upstreamModel();
    try {
      return new UpstreamRequest(
          GeminiSupport.path(context.provider(), context.upstreamModel(), chat.stream()),
          Json.MAPPER.writeValueAsBytes(translated),
          Map.of("content-type", "application/json"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith("text/event-stream")) {
      stream = new GeminiStream(includeUsage, id, model, clock.instant().getEpochSecond());
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    GeminiStream s = stream;
    if (s != null) {
      return ChatBodies.streamed(s.feed(body, endOfStream), endOfStream, s.usage());
    }
    return ChatBodies.buffered(
        body,
        r -> r.path("candidates").isArray() || r.path("promptFeedback").isObject(),
        r -> GeminiResponses.toChat(r, id, model, clock.instant().getEpochSecond()));
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return GeminiSupport.errorBody(status, body);
  }
}
