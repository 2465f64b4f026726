package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.translate.Json;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/** {@code GET /v1/models}: the models a key may use, in OpenAI's list format. */
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
}
