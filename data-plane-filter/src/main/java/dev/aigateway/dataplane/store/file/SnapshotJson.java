package dev.aigateway.dataplane.store.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.quota.Prices;
import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.quota.QuotaRule;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ConfigSnapshot} as JSON and back, field by field (the records stay free of any
 * serialisation concern). It holds decrypted provider credentials: only ever written sealed.
 */
final class SnapshotJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapshotJson() {}

  static byte[] write(ConfigSnapshot s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", s.revision());
    ArrayNode providers = root.putArray("providers");
    for (ProviderConfig p : s.providers().values()) {
      ObjectNode n = providers.addObject();
      n.put("id", p.id().toString());
      n.put("name", p.name());
      n.put("schema", p.schemaName());
      n.put("base_url", p.baseUrl());
      n.put("path_prefix", p.pathPrefix());
      ObjectNode settings = n.putObject("settings");
      p.settings().forEach(settings::put);
      ArrayNode credentials = n.putArray("credentials");
      for (UpstreamCredential c : p.credentials()) {
        ObjectNode cn = credentials.addObject();
        cn.put("id", c.id().toString());
        cn.put("kind", c.kind().wire());
        cn.put("hint", c.hint());
        ObjectNode fields = cn.putObject("fields");
        c.secrets().forEach(fields::put);
      }
    }
    ArrayNode models = root.putArray("models");
    for (ModelConfig m : s.models().values()) {
      ObjectNode n = models.addObject();
      n.put("id", m.id().toString());
      n.put("name", m.name());
      n.put("created", m.created());
      ArrayNode targets = n.putArray("targets");
      for (ModelTarget t : m.targets()) {
        ObjectNode tn = targets.addObject();
        tn.put("provider", t.provider().name());
        tn.put("upstream_model", t.upstreamModel());
        tn.put("weight", t.weight());
        tn.put("priority", t.priority());
        if (t.id() != null) {
          tn.put("id", t.id());
        }
      }
    }
    ArrayNode keys = root.putArray("keys");
    s.keysByHash()
        .forEach(
            (hash, k) -> {
              ObjectNode n = keys.addObject();
              n.put("hash", hash);
              n.put("id", k.id().toString());
              n.put("name", k.name());
              n.put("team_id", k.teamId().toString());
              n.put("prefix", k.prefix());
              ArrayNode allowed = n.putArray("allowed_models");
              k.allowedModels().stream().sorted().forEach(allowed::add);
              n.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
              n.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
            });
    ArrayNode quotas = root.putArray("quotas");
    for (QuotaRule q : s.quotas().rules()) {
      ObjectNode n = quotas.addObject();
      n.put("id", q.id().toString());
      n.put("scope", q.scope().wireName());
      n.put("scope_id", q.scopeId() == null ? null : q.scopeId().toString());
      n.put("model", q.model());
      n.put("metric", q.metric().wireName());
      n.put("window", q.window().wireName());
      n.put("limit_units", q.limit());
    }
    ObjectNode prices = root.putObject("prices");
    s.quotas()
        .prices()
        .forEach(
            (model, p) -> {
              ObjectNode n = prices.putObject(model);
              n.put("input_per_million", decimal(p.inputPerMillion()));
              n.put("output_per_million", decimal(p.outputPerMillion()));
              n.put("cached_input_per_million", decimal(p.cachedInputPerMillion()));
            });
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("a snapshot could not be written as JSON", e);
    }
  }

  /**
   * @throws IOException when the bytes are not a snapshot this build can read
   */
  static ConfigSnapshot read(byte[] json) throws IOException {
    try {
      JsonNode root = JSON.readTree(json);
      long revision = root.required("revision").asLong();
      Map<String, ProviderConfig> providers = new HashMap<>();
      for (JsonNode n : root.required("providers")) {
        List<UpstreamCredential> credentials = new ArrayList<>();
        for (JsonNode c : n.required("credentials")) {
          CredentialKind kind =
              CredentialKind.fromWire(c.required("kind").asText())
                  .orElseThrow(() -> new IOException("unknown credential kind"));
          credentials.add(
              new UpstreamCredential(
                  uuid(c.required("id")), kind, c.required("hint").asText(), strings(c, "fields")));
        }
        String schema = n.required("schema").asText();
        ProviderConfig p =
            new ProviderConfig(
                uuid(n.required("id")),
                n.required("name").asText(),
                ProviderSchema.fromWire(schema).orElse(null),
                schema,
                n.required("base_url").asText(),
                n.required("path_prefix").asText(),
                strings(n, "settings"),
                credentials);
        providers.put(p.name(), p);
      }
      Map<String, ModelConfig> models = new LinkedHashMap<>();
      for (JsonNode n : root.required("models")) {
        List<ModelTarget> targets = new ArrayList<>();
        for (JsonNode t : n.required("targets")) {
          ProviderConfig p = providers.get(t.required("provider").asText());
          if (p == null) {
            throw new IOException("a model target names a provider the snapshot does not hold");
          }
          JsonNode targetId = t.get("id");
          targets.add(
              new ModelTarget(
                  p,
                  t.required("upstream_model").asText(),
                  t.required("weight").asInt(),
                  t.required("priority").asInt(),
                  targetId == null || targetId.isNull() ? null : targetId.asText()));
        }
        String name = n.required("name").asText();
        models.put(
            name,
            ModelConfig.of(uuid(n.required("id")), name, n.required("created").asLong(), targets));
      }
      Map<String, ClientKey> keys = new HashMap<>();
      for (JsonNode n : root.required("keys")) {
        Set<String> allowed = new HashSet<>();
        n.required("allowed_models").forEach(a -> allowed.add(a.asText()));
        keys.put(
            n.required("hash").asText(),
            new ClientKey(
                uuid(n.required("id")),
                n.required("name").asText(),
                uuid(n.required("team_id")),
                n.required("prefix").asText(),
                allowed,
                instant(n.get("expires_at")),
                instant(n.get("revoked_at"))));
      }
      List<QuotaRule> rules = new ArrayList<>();
      for (JsonNode n : root.required("quotas")) {
        JsonNode scopeId = n.get("scope_id");
        JsonNode model = n.get("model");
        rules.add(
            new QuotaRule(
                uuid(n.required("id")),
                QuotaRule.Scope.of(n.required("scope").asText()),
                scopeId == null || scopeId.isNull() ? null : uuid(scopeId),
                model == null || model.isNull() ? null : model.asText(),
                QuotaMetric.of(n.required("metric").asText()),
                QuotaWindow.of(n.required("window").asText()),
                n.required("limit_units").asLong()));
      }
      Map<String, Prices> prices = new HashMap<>();
      root.required("prices")
          .properties()
          .forEach(
              e ->
                  prices.put(
                      e.getKey(),
                      new Prices(
                          decimal(e.getValue().get("input_per_million")),
                          decimal(e.getValue().get("output_per_million")),
                          decimal(e.getValue().get("cached_input_per_million")))));
      Map<String, UUID> providerIds = new HashMap<>();
      providers.values().forEach(p -> providerIds.put(p.name(), p.id()));
      return new ConfigSnapshot(
          revision, providers, models, keys, new QuotaConfig(revision, rules, prices, providerIds));
    } catch (RuntimeException e) {
      // required() on a missing field, a bad UUID or name: not a snapshot of this format.
      throw new IOException("not a configuration snapshot of this format", e);
    }
  }

  private static UUID uuid(JsonNode n) {
    return UUID.fromString(n.asText());
  }

  private static Map<String, String> strings(JsonNode parent, String field) {
    Map<String, String> result = new HashMap<>();
    parent.required(field).properties().forEach(e -> result.put(e.getKey(), e.getValue().asText()));
    return result;
  }

  private static @Nullable Instant instant(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : Instant.parse(n.asText());
  }

  private static @Nullable String decimal(@Nullable BigDecimal d) {
    return d == null ? null : d.toPlainString();
  }

  private static @Nullable BigDecimal decimal(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : new BigDecimal(n.asText());
  }
}
