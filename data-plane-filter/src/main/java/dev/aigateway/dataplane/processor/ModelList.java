package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.translate.Json;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * {@code GET /v1/models}: the models a key may use, in OpenAI's list format, or Anthropic's when
 * the client is an Anthropic SDK.
 */
final class ModelList {
  private ModelList() {}

  static byte[] body(ConfigSnapshot config, ClientKey key) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    config.models().values().stream()
        .filter(m -> key.allows(m.name()))
        .sorted(Comparator.comparing(ModelConfig::name))
        .forEach(
            m ->
                data.addObject()
                    .put("id", m.name())
                    .put("object", "model")
                    .put("created", m.created())
                    .put("owned_by", "ai-gateway"));
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Anthropic's list shape ({@code data[]} of {@code {type, id, display_name, created_at,
   * lifecycle}}, {@code has_more}, {@code first_id}, {@code last_id}), paged by {@code limit}
   * (1-1000, default 20) and {@code after_id} / {@code before_id} as Anthropic's API pages it.
   */
  static byte[] anthropicBody(ConfigSnapshot config, ClientKey key, String query) {
    java.util.List<ModelConfig> models =
        config.models().values().stream()
            .filter(m -> key.allows(m.name()))
            .sorted(Comparator.comparing(ModelConfig::name))
            .toList();
    java.util.Map<String, String> params = queryParams(query);
    int limit = 20;
    try {
      limit = Math.max(1, Math.min(1000, Integer.parseInt(params.getOrDefault("limit", "20"))));
    } catch (NumberFormatException e) {
      // Anthropic answers a bad limit with a 400; a list is harmless, so the default applies.
    }
    int from = 0;
    int to = models.size();
    String after = params.get("after_id");
    String before = params.get("before_id");
    if (after != null) {
      from = indexAfter(models, after);
    } else if (before != null) {
      to = Math.max(0, indexOf(models, before));
      from = Math.max(0, to - limit);
    }
    java.util.List<ModelConfig> page = models.subList(from, Math.min(to, from + limit));
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode data = root.putArray("data");
    for (ModelConfig m : page) {
      data.addObject()
          .put("type", "model")
          .put("id", m.name())
          .put("display_name", m.name())
          .put("created_at", java.time.Instant.ofEpochSecond(m.created()).toString())
          // Every configured model is served: none is deprecated or retired at the gateway.
          .put("lifecycle", "active");
    }
    root.put("has_more", before != null ? from > 0 : from + page.size() < to);
    if (page.isEmpty()) {
      root.putNull("first_id");
      root.putNull("last_id");
    } else {
      root.put("first_id", page.getFirst().name());
      root.put("last_id", page.getLast().name());
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(java.util.List<ModelConfig> models, String name) {
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).name().equals(name)) {
        return i;
      }
    }
    return models.size();
  }

  private static int indexAfter(java.util.List<ModelConfig> models, String name) {
    int i = indexOf(models, name);
    return i == models.size() ? models.size() : i + 1;
  }

  private static java.util.Map<String, String> queryParams(String query) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
