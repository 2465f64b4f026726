package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One canonical form per resource, for both what the gateway answers and what a file says, so that
 * equal configurations compare equal: defaults filled in, empty values left out, numbers without
 * trailing zeros, timestamps in UTC.
 */
final class Normalize {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Normalize() {}

  /**
   * The canonical form of one item, from the admin API or from a file ({@code where} names it in
   * errors). Key and quota references are names: {@code names} maps the API's ids to them.
   */
  static ObjectNode item(Kind kind, JsonNode in, String where, Map<String, String> names) {
    if (!in.isObject()) {
      throw new ConfigException(where + ": must be a mapping");
    }
    ObjectNode out = NODES.objectNode();
    switch (kind) {
      case FLEETS -> {
        out.set("name", text(in, "name", where, true));
        out.set("listener_port", number(in, "listener_port", where, true));
      }
      case PROVIDERS -> {
        out.set("name", text(in, "name", where, true));
        out.set("schema", text(in, "schema", where, true));
        out.set("base_url", text(in, "base_url", where, true));
        JsonNode settings = in.get("settings");
        if (settings != null && !settings.isNull()) {
          if (!settings.isObject()) {
            throw new ConfigException(where + ".settings: must be a mapping");
          }
          if (!settings.isEmpty()) {
            ObjectNode sorted = NODES.objectNode();
            settings.properties().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
            out.set("settings", sorted);
          }
        }
      }
      case TEAMS -> out.set("name", text(in, "name", where, true));
      case MODELS -> {
        out.set("name", text(in, "name", where, true));
        JsonNode targets = in.get("targets");
        if (targets == null || !targets.isArray()) {
          throw new ConfigException(where + ".targets: must be a list");
        }
        ArrayNode list = out.putArray("targets");
        for (int i = 0; i < targets.size(); i++) {
          String at = where + ".targets[" + i + "]";
          JsonNode t = targets.get(i);
          if (!t.isObject()) {
            throw new ConfigException(at + ": must be a mapping");
          }
          ObjectNode target = list.addObject();
          target.set("provider", text(t, "provider", at, true));
          target.set("model", text(t, "model", at, true));
          JsonNode weight = number(t, "weight", at, false);
          target.set("weight", weight == null ? NODES.numberNode(1) : weight);
          JsonNode priority = number(t, "priority", at, false);
          target.set("priority", priority == null ? NODES.numberNode(0) : priority);
        }
        JsonNode pricing = in.get("pricing");
        if (pricing != null && !pricing.isNull()) {
          ObjectNode prices = NODES.objectNode();
          for (String field :
              new String[] {
                "input_per_million", "output_per_million", "cached_input_per_million"
              }) {
            JsonNode price = number(pricing, field, where + ".pricing", false);
            if (price != null) {
              prices.set(field, price);
            }
          }
          if (!prices.isEmpty()) {
            out.set("pricing", prices);
          }
        }
        out.set("failover", failover(in.get("failover"), where + ".failover"));
      }
      case KEYS -> {
        out.set("team", text(in, "team", where, true));
        out.set("name", text(in, "name", where, true));
        JsonNode allowed = in.get("allowed_models");
        if (allowed != null && !allowed.isNull() && !allowed.isEmpty()) {
          if (!allowed.isArray()) {
            throw new ConfigException(where + ".allowed_models: must be a list");
          }
          ArrayNode models = out.putArray("allowed_models");
          allowed.forEach(m -> models.add(m.asText()));
        }
        JsonNode expires = in.get("expires_at");
        if (expires != null && !expires.isNull()) {
          try {
            out.put("expires_at", Instant.parse(expires.asText()).toString());
          } catch (DateTimeParseException e) {
            throw new ConfigException(
                where + ".expires_at: must be an RFC 3339 time such as 2027-01-31T00:00:00Z");
          }
        }
      }
      case QUOTAS -> {
        String scope = text(in, "scope", where, true).asText();
        out.put("scope", scope);
        // The API names a key, team or provider by id; a file, portable between gateways, by name.
        JsonNode scopeId = in.get("scope_id");
        // A key-scoped quota of a revoked key keeps the key's id where its name would be.
        String ref =
            scopeId == null || scopeId.isNull()
                ? null
                : names.getOrDefault(scopeId.asText(), "?/" + scopeId.asText());
        switch (scope) {
          case "team" ->
              out.put("team", ref != null ? ref : text(in, "team", where, true).asText());
          case "key" -> {
            String[] teamAndKey = ref == null ? null : ref.split("/", 2);
            out.put(
                "team",
                teamAndKey != null ? teamAndKey[0] : text(in, "team", where, true).asText());
            out.put(
                "key", teamAndKey != null ? teamAndKey[1] : text(in, "key", where, true).asText());
          }
          case "provider" ->
              out.put("provider", ref != null ? ref : text(in, "provider", where, true).asText());
          case "global" -> {}
          default ->
              throw new ConfigException(
                  where + ".scope: " + scope + " (expected: key, team, provider or global)");
        }
        JsonNode model = in.get("model");
        if (model != null && !model.isNull()) {
          out.put("model", model.asText());
        }
        out.set("metric", text(in, "metric", where, true));
        out.set("window", text(in, "window", where, true));
        out.set("limit", number(in, "limit", where, true));
      }
    }
    return out;
  }

  /** What identifies an item of this kind in a file and in the gateway. */
  static String identity(Kind kind, ObjectNode item) {
    return switch (kind) {
      case FLEETS, PROVIDERS, TEAMS, MODELS -> item.path("name").asText();
      case KEYS -> item.path("team").asText() + "/" + item.path("name").asText();
      case QUOTAS ->
          item.path("scope").asText()
              + (item.has("team") ? " " + item.path("team").asText() : "")
              + (item.has("key") ? "/" + item.path("key").asText() : "")
              + (item.has("provider") ? " " + item.path("provider").asText() : "")
              + " "
              + item.path("metric").asText()
              + "/"
              + item.path("window").asText()
              + (item.has("model") ? " model=" + item.path("model").asText() : "");
    };
  }

  /**
   * A model's failover settings with the admin API's defaults filled in (docs/admin-api.md), so a
   * file that leaves them out means the defaults and matches a model that has them.
   */
  private static ObjectNode failover(@Nullable JsonNode in, String where) {
    ObjectNode out = NODES.objectNode();
    JsonNode given = in == null || in.isNull() ? NODES.objectNode() : in;
    if (!given.isObject()) {
      throw new ConfigException(where + ": must be a mapping");
    }
    JsonNode retryOn = given.get("retry_on");
    ArrayNode conditions = out.putArray("retry_on");
    if (retryOn == null || retryOn.isNull()) {
      for (String c : new String[] {"connect-failure", "reset", "5xx", "429", "529"}) {
        conditions.add(c);
      }
    } else if (!retryOn.isArray()) {
      throw new ConfigException(where + ".retry_on: must be a list");
    } else {
      for (JsonNode c : retryOn) {
        conditions.add(c.asText());
      }
    }
    String[][] numbers = {
      {"attempts", "3"},
      {"per_attempt_timeout_ms", "0"},
      {"backoff_base_ms", "25"},
      {"backoff_max_ms", "250"}
    };
    for (String[] f : numbers) {
      JsonNode n = number(given, f[0], where, false);
      out.set(f[0], n == null ? NODES.numberNode(Integer.parseInt(f[1])) : n);
    }
    return out;
  }

  private static JsonNode text(JsonNode in, String field, String where, boolean required) {
    JsonNode value = in.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new ConfigException(where + "." + field + ": is required");
      }
      return NODES.nullNode();
    }
    if (!value.isValueNode() || value.asText().isEmpty()) {
      throw new ConfigException(where + "." + field + ": must be a non-empty string");
    }
    return NODES.textNode(value.asText());
  }

  private static @Nullable JsonNode number(
      JsonNode in, String field, String where, boolean required) {
    JsonNode value = in.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new ConfigException(where + "." + field + ": is required");
      }
      return null;
    }
    BigDecimal number;
    try {
      number = value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(where + "." + field + ": must be a number");
    }
    number = number.stripTrailingZeros();
    if (number.scale() <= 0 && number.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
      return NODES.numberNode(number.longValueExact());
    }
    return NODES.numberNode(number);
  }
}
