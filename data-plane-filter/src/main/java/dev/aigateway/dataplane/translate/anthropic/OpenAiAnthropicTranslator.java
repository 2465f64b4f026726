package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.ChatBodies;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/** OpenAI chat completions in, Anthropic Messages API out (buffered and streamed). */
public final class OpenAiAnthropicTranslator implements Translator {
  private final Clock clock;
  private @Nullable JsonToolMode jsonMode;
  private boolean includeUsage;
  private String model = "";
  private @Nullable AnthropicStream stream;

  public OpenAiAnthropicTranslator() {
    this(Clock.systemUTC());
  }

  public OpenAiAnthropicTranslator(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ChatRequest chat = new ChatRequest(body);
    AnthropicRequests.Translated translated =
        AnthropicRequests.build(chat, context.upstreamModel());
    jsonMode = translated.jsonMode();
    includeUsage = chat.includeUsage();
    model = context.upstreamModel();
    try {
      return new UpstreamRequest(
          AnthropicSupport.messagesPath(context.provider()),
          Json.MAPPER.writeValueAsBytes(translated.body()),
          AnthropicSupport.headers(context.provider()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith("text/event-stream")) {
      stream = new AnthropicStream(includeUsage, jsonMode, model, clock.instant().getEpochSecond());
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    AnthropicStream s = stream;
    if (s != null) {
      return ChatBodies.streamed(s.feed(body, endOfStream), endOfStream, s.usage());
    }
    return ChatBodies.buffered(
        body,
        r -> r.path("content").isArray(),
        r -> AnthropicResponses.toChat(r, jsonMode, model, clock.instant().getEpochSecond()));
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return AnthropicSupport.errorBody(status, body);
  }
}
