package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.EmbeddingsRequest;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI embeddings in, Bedrock InvokeModel out, for Amazon Titan Text Embeddings and Cohere Embed
 * models (chosen by the model id; bodies in {@link BedrockEmbeddingBodies}).
 */
public final class OpenAiBedrockEmbeddingsTranslator implements Translator {
  /** Where InvokeModel reports the input token count of every model. */
  static final String INPUT_TOKENS_HEADER = "x-amzn-bedrock-input-token-count";

  private @Nullable EmbeddingsRequest request;
  private @Nullable Long headerInputTokens;
  private BedrockEmbeddingBodies bodies = new BedrockEmbeddingBodies.Titan();
  private String model = "";

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    EmbeddingsRequest parsed = EmbeddingsRequest.parse(body, "aws_bedrock");
    model = context.upstreamModel();
    bodies = BedrockEmbeddingBodies.of(model);
    ObjectNode out = bodies.request(parsed);
    request = parsed;
    try {
      return new UpstreamRequest(
          context.provider().pathPrefix()
              + "/model/"
              + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
              + "/invoke",
          Json.MAPPER.writeValueAsBytes(out),
          Map.of("content-type", "application/json", "accept", "application/json"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    return false;
  }

  @Override
  public boolean startResponse(int status, String contentType, Map<String, String> headers) {
    String count = headers.get(INPUT_TOKENS_HEADER);
    try {
      headerInputTokens = count == null ? null : Long.valueOf(count.trim());
    } catch (NumberFormatException e) {
      headerInputTokens = null;
    }
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
    List<JsonNode> vectors = response == null ? null : bodies.vectors(response);
    if (r == null
        || vectors == null
        || vectors.size() != r.inputs().size()
        || vectors.stream().anyMatch(v -> !v.isArray())) {
      return BodyResult.failed(
          GatewayError.badGateway("The upstream provider answered with an unexpected body."));
    }
    Long tokens = bodies.inputTokens(response);
    if (tokens == null) {
      tokens = headerInputTokens;
    }
    return new BodyResult(
        r.response(vectors, model, tokens == null ? 0 : tokens),
        tokens == null ? null : new TokenUsage(tokens, 0, 0));
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return BedrockSupport.errorBody(status, body);
  }
}
