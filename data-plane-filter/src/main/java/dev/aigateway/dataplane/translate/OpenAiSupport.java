package dev.aigateway.dataplane.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** What every OpenAI-speaking schema (OpenAI, Azure OpenAI, OpenAI-compatible) shares. */
public final class OpenAiSupport {
  static final ObjectMapper JSON = Json.MAPPER;
  // Reads a sub-tree out of a larger document, so it must not fail on the tokens that follow.
  private static final ObjectMapper PARTIAL = new ObjectMapper();
  private static final JsonFactory FACTORY = PARTIAL.getFactory();

  private OpenAiSupport() {}

  /**
   * The upstream path for an endpoint, per docs/contracts.md. For {@code openai} and {@code
   * openai_compatible} the base URL is in the OpenAI SDK's form ({@code http://host:11434/v1}): its
   * path is the API root and only the endpoint suffix is appended.
   */
  public static String path(ProviderConfig provider, Endpoint endpoint, String upstreamModel) {
    String prefix = provider.pathPrefix();
    return switch (provider.schema()) {
      case OPENAI, OPENAI_COMPATIBLE -> prefix + endpoint.suffix();
      case AZURE_OPENAI ->
          prefix
              + "/openai/deployments/"
              + pathSegment(upstreamModel)
              + endpoint.suffix()
              + "?api-version="
              + URLEncoder.encode(provider.setting("api_version", ""), StandardCharsets.UTF_8);
      case null, default ->
          throw new IllegalArgumentException(
              "schema: " + provider.schemaName() + " (expected: an OpenAI-speaking schema)");
    };
  }

  /** Percent-encodes a path segment (URLEncoder is for forms: it would turn a space into '+'). */
  private static String pathSegment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Reads the top-level {@code usage} of a response without building a tree of the rest (embedding
   * responses can be large); null when there is none.
   */
  static @Nullable TokenUsage usageOf(byte[] body, int offset, int length) {
    try (JsonParser parser = FACTORY.createParser(body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          return usage(PARTIAL.readTree(parser));
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  static TokenUsage usage(JsonNode usage) {
    long input = usage.path("prompt_tokens").asLong(0);
    long output = usage.path("completion_tokens").asLong(0);
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
    return new TokenUsage(input, output, cached);
  }

  /**
   * Upstream errors already in OpenAI's shape pass unchanged; anything else (an HTML page from a
   * proxy, plain text) becomes an OpenAI error that names only the status, since the body may echo
   * request content.
   */
  public static byte @Nullable [] errorBody(int status, String contentType, byte[] body) {
    if (contentType.startsWith("application/json")) {
      try {
        JsonNode node = JSON.readTree(body);
        if (node != null && node.path("error").isObject()) {
          return null;
        }
      } catch (IOException e) {
        // not JSON after all: wrapped below
      }
    }
    return GatewayError.body(
        "The upstream provider answered with HTTP " + status + ".",
        status >= 500 ? "upstream_error" : "invalid_request_error",
        null,
        "upstream_" + status);
  }
}
