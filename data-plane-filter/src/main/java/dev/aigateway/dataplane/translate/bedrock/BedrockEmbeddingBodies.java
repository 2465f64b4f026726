package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.EmbeddingsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The InvokeModel bodies of the embedding model families on Bedrock, per the Bedrock
 * model-parameters reference: Amazon Titan Text Embeddings ({@code {"inputText","dimensions"}} to
 * {@code {"embedding","inputTextTokenCount"}}, one text per call) and Cohere Embed v3/v4 ({@code
 * {"texts","input_type","embedding_types"}}, v4 also {@code output_dimension}; up to 96 texts per
 * call; answer {@code embeddings} as a list of vectors, or by type when {@code embedding_types} is
 * sent, which this always does).
 */
sealed interface BedrockEmbeddingBodies {

  /** The body for the model family of {@code modelId}. */
  ObjectNode request(EmbeddingsRequest request);

  /** The vectors of the answer, in input order, or null when the body is not this family's. */
  @Nullable List<JsonNode> vectors(JsonNode response);

  /** Input tokens the body reports, or null when this family reports none in the body. */
  @Nullable Long inputTokens(JsonNode response);

  static BedrockEmbeddingBodies of(String modelId) {
    return modelId.contains("cohere.embed") ? new Cohere(modelId) : new Titan();
  }

  record Titan() implements BedrockEmbeddingBodies {
    @Override
    public ObjectNode request(EmbeddingsRequest request) {
      if (request.inputs().size() != 1) {
        throw ChatRequest.unsupported(
            "input", "Titan embedding models on aws_bedrock embed one input per request.");
      }
      ObjectNode out = Json.MAPPER.createObjectNode();
      out.put("inputText", request.inputs().getFirst());
      if (request.dimensions() != null) {
        out.put("dimensions", request.dimensions());
      }
      return out;
    }

    @Override
    public @Nullable List<JsonNode> vectors(JsonNode response) {
      JsonNode embedding = response.path("embedding");
      return embedding.isArray() ? List.of(embedding) : null;
    }

    @Override
    public Long inputTokens(JsonNode response) {
      return response.path("inputTextTokenCount").asLong(0);
    }
  }

  /**
   * Cohere Embed. {@code input_type} is required by Cohere and has no OpenAI counterpart: {@code
   * search_document} is sent (the type for embedding a corpus). The body has no token count; the
   * translator reads it from InvokeModel's {@code x-amzn-bedrock-input-token-count} header.
   */
  record Cohere(String modelId) implements BedrockEmbeddingBodies {
    static final int MAX_TEXTS = 96;
    private static final Set<Integer> V4_DIMENSIONS = Set.of(256, 512, 1024, 1536);

    @Override
    public ObjectNode request(EmbeddingsRequest request) {
      if (request.inputs().size() > MAX_TEXTS) {
        throw ChatRequest.unsupported(
            "input", "Cohere embedding models on aws_bedrock embed at most 96 inputs per request.");
      }
      ObjectNode out = Json.MAPPER.createObjectNode();
      ArrayNode texts = out.putArray("texts");
      request.inputs().forEach(texts::add);
      out.put("input_type", "search_document");
      out.putArray("embedding_types").add("float");
      Integer dimensions = request.dimensions();
      if (dimensions != null) {
        if (!modelId.contains("embed-v4") || !V4_DIMENSIONS.contains(dimensions)) {
          throw ChatRequest.unsupported(
              "dimensions",
              "On aws_bedrock only Cohere Embed v4 takes dimensions, one of 256, 512, 1024, 1536.");
        }
        out.put("output_dimension", dimensions);
      }
      return out;
    }

    @Override
    public @Nullable List<JsonNode> vectors(JsonNode response) {
      JsonNode embeddings = response.path("embeddings");
      // by type ({"float": [[...]]}) when embedding_types was sent, else a plain list
      JsonNode list = embeddings.isObject() ? embeddings.path("float") : embeddings;
      if (!list.isArray()) {
        return null;
      }
      List<JsonNode> vectors = new ArrayList<>();
      list.forEach(vectors::add);
      return vectors;
    }

    @Override
    public @Nullable Long inputTokens(JsonNode response) {
      return null;
    }
  }
}
