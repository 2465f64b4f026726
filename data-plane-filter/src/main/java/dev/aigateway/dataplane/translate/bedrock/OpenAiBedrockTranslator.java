package dev.aigateway.dataplane.translate.bedrock;

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
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI chat completions in, Bedrock Converse (buffered) or ConverseStream (event stream) out. The
 * SigV4 signature must be computed over the body this translator returns, so signing happens after
 * translation (see {@code credential.aws.AwsSigV4Signer}).
 */
public final class OpenAiBedrockTranslator implements Translator {
  /** The content type of ConverseStream responses. */
  public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private final Clock clock;
  private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
  private @Nullable JsonToolMode jsonMode;
  private boolean includeUsage;
  private String model = "";
  private @Nullable BedrockStream stream;

  public OpenAiBedrockTranslator() {
    this(Clock.systemUTC());
  }

  public OpenAiBedrockTranslator(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ChatRequest chat = new ChatRequest(body);
    BedrockRequests.Translated translated = BedrockRequests.build(chat, context.upstreamModel());
    jsonMode = translated.jsonMode();
    includeUsage = chat.includeUsage();
    model = context.upstreamModel();
    try {
      return new UpstreamRequest(
          BedrockSupport.conversePath(context.provider(), context.upstreamModel(), chat.stream()),
          Json.MAPPER.writeValueAsBytes(translated.body()),
          Map.of("content-type", "application/json"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith(EVENT_STREAM)) {
      stream =
          new BedrockStream(includeUsage, jsonMode, id, model, clock.instant().getEpochSecond());
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    BedrockStream s = stream;
    if (s != null) {
      return ChatBodies.streamed(s.feed(body, endOfStream), endOfStream, s.usage());
    }
    return ChatBodies.buffered(
        body,
        r -> r.path("output").path("message").isObject(),
        r -> BedrockResponses.toChat(r, jsonMode, id, model, clock.instant().getEpochSecond()));
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return BedrockSupport.errorBody(status, body);
  }
}
