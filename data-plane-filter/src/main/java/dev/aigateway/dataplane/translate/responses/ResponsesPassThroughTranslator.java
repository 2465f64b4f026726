package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.OpenAiSupport;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.SseReader;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Responses API (and its input token count) to a provider that serves it: OpenAI, Azure OpenAI
 * and OpenAI-compatible servers whose {@code responses_api} setting is {@code true}. The body and
 * the answer pass unchanged except {@code model}; usage is read from the answer's {@code usage} or,
 * streamed, from the {@code response.completed} / {@code response.incomplete} / {@code
 * response.failed} event. Stored state ({@code store}, {@code previous_response_id}) is the
 * provider's.
 */
public final class ResponsesPassThroughTranslator implements Translator {
  private final Endpoint endpoint;
  private @Nullable SseReader stream;
  private @Nullable TokenUsage streamUsage;

  public ResponsesPassThroughTranslator(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * For {@link StoredResponses}: the answer (a stored response, its input items, a deletion) passes
   * unchanged and is not metered again: its usage was metered when it was created.
   */
  public static ResponsesPassThroughTranslator forStoredResponse() {
    return new ResponsesPassThroughTranslator(Endpoint.RESPONSES_INPUT_TOKENS);
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    body.put("model", context.upstreamModel());
    try {
      return new UpstreamRequest(
          path(context.provider(), context.upstreamModel()),
          Json.MAPPER.writeValueAsBytes(body),
          Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("re-serializing a parsed body failed", e);
    }
  }

  /**
   * Azure serves the Responses API at the resource, not under a deployment: {@code
   * /openai/responses?api-version=...} with the deployment as {@code model}.
   */
  private String path(ProviderConfig provider, String upstreamModel) {
    return switch (provider.schema()) {
      case AZURE_OPENAI ->
          provider.pathPrefix()
              + "/openai"
              + endpoint.suffix()
              + "?api-version="
              + URLEncoder.encode(provider.setting("api_version", ""), StandardCharsets.UTF_8);
      case null, default -> OpenAiSupport.path(provider, endpoint, upstreamModel);
    };
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith("text/event-stream")) {
      stream = new SseReader();
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    SseReader s = stream;
    if (s == null) {
      return new BodyResult(null, endpoint.countsTokens() ? null : usageOf(body));
    }
    for (String data : s.feed(body, endOfStream)) {
      if (data.contains("\"usage\"")) {
        try {
          JsonNode event = Json.MAPPER.readTree(data);
          JsonNode usage = event.path("response").path("usage");
          if (event.path("type").asText().startsWith("response.") && usage.isObject()) {
            streamUsage = ResponsesUsage.toTokens(usage);
          }
        } catch (IOException e) {
          // not an event this translator reads; it passes unchanged all the same
        }
      }
    }
    return new BodyResult(null, endOfStream ? streamUsage : null);
  }

  private static @Nullable TokenUsage usageOf(byte[] body) {
    try {
      JsonNode usage = Json.MAPPER.readTree(body).path("usage");
      return usage.isObject() ? ResponsesUsage.toTokens(usage) : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return OpenAiSupport.errorBody(status, contentType, body);
  }
}
