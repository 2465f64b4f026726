package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.ChatResult;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import java.io.IOException;
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
      byte[] out = s.feed(body, endOfStream);
      ChatUsage usage = endOfStream ? s.usage() : null;
      // An empty replacement (not null) keeps Anthropic's own bytes from reaching the client.
      return new BodyResult(
          out == null ? new byte[0] : out, usage == null ? null : usage.toTokenUsage());
    }
    JsonNode message;
    try {
      message = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return new BodyResult(
          GatewayError.badGateway("The upstream provider answered with malformed JSON.").body(),
          null);
    }
    ChatResult result =
        AnthropicResponses.toChat(message, jsonMode, model, clock.instant().getEpochSecond());
    return new BodyResult(result.toJson(), result.usage().toTokenUsage());
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return AnthropicSupport.errorBody(status, body);
  }
}
