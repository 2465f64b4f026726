package dev.aigateway.dataplane.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI API to an OpenAI-speaking provider (OpenAI, Azure OpenAI, OpenAI-compatible), for chat
 * completions, completions and embeddings. These three endpoints differ only in their path, so one
 * class serves them rather than three identical ones; the schemas differ only in path and
 * credentials, which {@link OpenAiSupport#path} and the credential injector handle.
 *
 * <p>The body passes unchanged except {@code model} (the upstream name) and, for streams, {@code
 * stream_options.include_usage} (so usage can be metered), whose extra output is removed again when
 * the client did not ask for it.
 */
public final class OpenAiTranslator implements Translator {
  private final Endpoint endpoint;
  private boolean addedIncludeUsage;
  private @Nullable SseUsageFilter stream;

  public OpenAiTranslator(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    body.put("model", context.upstreamModel());
    if (endpoint != Endpoint.EMBEDDINGS && body.path("stream").asBoolean(false)) {
      JsonNode options = body.get("stream_options");
      if (options == null || options.isNull()) {
        body.putObject("stream_options").put("include_usage", true);
        addedIncludeUsage = true;
      } else if (options instanceof ObjectNode object) {
        if (!object.path("include_usage").asBoolean(false)) {
          object.put("include_usage", true);
          addedIncludeUsage = true;
        }
      } else {
        throw new TranslationException(
            GatewayError.invalidRequest("stream_options", "stream_options must be an object."));
      }
    }
    try {
      return new UpstreamRequest(
          OpenAiSupport.path(context.provider(), endpoint, context.upstreamModel()),
          Json.MAPPER.writeValueAsBytes(body),
          Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("re-serializing a parsed body failed", e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith("text/event-stream")) {
      stream = new SseUsageFilter(addedIncludeUsage);
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    SseUsageFilter s = stream;
    if (s == null) {
      return new BodyResult(null, OpenAiSupport.usageOf(body, 0, body.length));
    }
    byte[] out = s.apply(body, endOfStream);
    TokenUsage usage = endOfStream ? s.usage() : null;
    return new BodyResult(out, usage);
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return OpenAiSupport.errorBody(status, contentType, body);
  }
}
