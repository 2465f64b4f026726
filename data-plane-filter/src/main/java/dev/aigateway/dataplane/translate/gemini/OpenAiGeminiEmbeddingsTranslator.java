package dev.aigateway.dataplane.translate.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.EmbeddingsRequest;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI embeddings in; out to the Gemini API's {@code batchEmbedContents} ({@code requests[]} of
 * {@code model}, {@code content}, {@code outputDimensionality}; answer {@code embeddings[].values},
 * no token counts) or to Vertex AI's {@code predict} ({@code instances[].content}, {@code
 * parameters.outputDimensionality}; answer {@code predictions[].embeddings.values} with {@code
 * statistics.token_count}).
 */
public final class OpenAiGeminiEmbeddingsTranslator implements Translator {
  private final ProviderSchema schema;
  private @Nullable EmbeddingsRequest request;
  private String model = "";

  public OpenAiGeminiEmbeddingsTranslator(ProviderSchema schema) {
    if (schema != ProviderSchema.GEMINI && schema != ProviderSchema.GCP_VERTEX) {
      throw new IllegalArgumentException("schema: " + schema + " (expected: GEMINI or GCP_VERTEX)");
    }
    this.schema = schema;
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    EmbeddingsRequest parsed = EmbeddingsRequest.parse(body, schema.wire());
    request = parsed;
    model = context.upstreamModel();
    ObjectNode out = Json.MAPPER.createObjectNode();
    String path;
    if (schema == ProviderSchema.GCP_VERTEX) {
      ArrayNode instances = out.putArray("instances");
      parsed.inputs().forEach(text -> instances.addObject().put("content", text));
      if (parsed.dimensions() != null) {
        out.putObject("parameters").put("outputDimensionality", parsed.dimensions());
      }
      path =
          GeminiSupport.path(context.provider(), model, false)
              .replace(":generateContent", ":predict");
    } else {
      ArrayNode requests = out.putArray("requests");
      for (String text : parsed.inputs()) {
        ObjectNode r = requests.addObject();
        r.put("model", "models/" + model);
        r.putObject("content").putArray("parts").addObject().put("text", text);
        if (parsed.dimensions() != null) {
          r.put("outputDimensionality", parsed.dimensions());
        }
      }
      path =
          context.provider().pathPrefix()
              + "/v1beta/models/"
              + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
              + ":batchEmbedContents";
    }
    try {
      return new UpstreamRequest(
          path, Json.MAPPER.writeValueAsBytes(out), Map.of("content-type", "application/json"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    EmbeddingsRequest r = request;
    JsonNode response;
    try {
      response = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      response = null;
    }
    List<JsonNode> vectors = new ArrayList<>();
    long tokens = 0;
    if (response != null && schema == ProviderSchema.GCP_VERTEX) {
      for (JsonNode prediction : response.path("predictions")) {
        vectors.add(prediction.path("embeddings").path("values"));
        tokens += prediction.path("embeddings").path("statistics").path("token_count").asLong(0);
      }
    } else if (response != null) {
      for (JsonNode embedding : response.path("embeddings")) {
        vectors.add(embedding.path("values"));
      }
    }
    if (r == null
        || vectors.size() != r.inputs().size()
        || vectors.stream().anyMatch(v -> !v.isArray())) {
      return BodyResult.failed(
          GatewayError.badGateway("The upstream provider answered with an unexpected body."));
    }
    // The Gemini API reports no token counts for embeddings: usage stays unknown (null) then.
    TokenUsage usage = schema == ProviderSchema.GCP_VERTEX ? new TokenUsage(tokens, 0, 0) : null;
    return new BodyResult(r.response(vectors, model, tokens), usage);
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return GeminiSupport.errorBody(status, body);
  }
}
