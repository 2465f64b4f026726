package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Carries out a plan through the admin API, one write per change, in the plan's order. */
final class Apply {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final AdminApi api;
  private final PrintStream secrets;
  private @Nullable Map<String, String> scopeIds;

  /**
   * @param secrets where the secret of each key created is shown, once
   */
  Apply(AdminApi api, PrintStream secrets) {
    this.api = api;
    this.secrets = secrets;
  }

  void run(List<Change> plan) {
    for (Change change : plan) {
      switch (change) {
        case Change.Create c -> create(c);
        case Change.Update u -> update(u);
        case Change.Delete d ->
            api.send("DELETE", "/" + d.kind().plural() + "/" + d.current().id(), null);
      }
    }
  }

  private void create(Change.Create c) {
    ObjectNode body = c.desired().deepCopy();
    switch (c.kind()) {
      case FLEETS, TEAMS, MODELS -> {}
      case PROVIDERS -> {
        if (!body.has("settings")) {
          body.putObject("settings");
        }
        if (c.credentials() != null) {
          body.set("credentials", c.credentials());
        }
      }
      case KEYS -> {
        if (!body.has("allowed_models")) {
          body.putArray("allowed_models");
        }
      }
      case QUOTAS -> {
        String scope = body.path("scope").asText();
        String ref =
            switch (scope) {
              case "team" -> body.path("team").asText();
              case "key" -> body.path("team").asText() + "/" + body.path("key").asText();
              case "provider" -> body.path("provider").asText();
              default -> null;
            };
        body.remove("team");
        body.remove("key");
        body.remove("provider");
        if (ref != null) {
          String id = scopeIds().get(scope + ":" + ref);
          if (id == null) {
            throw new ConfigException("quotas/" + c.identity() + ": no " + scope + " " + ref);
          }
          body.put("scope_id", id);
        }
      }
    }
    JsonNode created = api.send("POST", "/" + c.kind().plural(), body);
    if (c.kind() == Kind.KEYS) {
      secrets.println(
          "key "
              + c.identity()
              + " created; its secret, shown only now: "
              + created.path("key").asText());
    }
  }

  private void update(Change.Update u) {
    ObjectNode body = NODES.objectNode();
    body.put("version", u.current().version());
    for (String field : u.fields()) {
      JsonNode value = u.desired().get(field);
      body.set(field, value != null ? value : cleared(field));
    }
    if (u.credentials() != null) {
      body.set("credentials", u.credentials());
    }
    api.send("PATCH", "/" + u.kind().plural() + "/" + u.current().id(), body);
  }

  /** What a field left out of the file means: its empty value. */
  private static JsonNode cleared(String field) {
    return switch (field) {
      case "settings" -> NODES.objectNode();
      case "allowed_models" -> NODES.arrayNode();
      default -> NODES.nullNode();
    };
  }

  /**
   * Ids of teams, providers and active keys by name, read after the plan created the ones it names.
   */
  private Map<String, String> scopeIds() {
    if (scopeIds == null) {
      Map<String, String> ids = new HashMap<>();
      api.list("teams")
          .forEach(t -> ids.put("team:" + t.path("name").asText(), t.path("id").asText()));
      api.list("providers")
          .forEach(p -> ids.put("provider:" + p.path("name").asText(), p.path("id").asText()));
      for (ObjectNode k : api.list("keys")) {
        if (k.path("status").asText("active").equals("active")) {
          ids.put(
              "key:" + k.path("team").asText() + "/" + k.path("name").asText(),
              k.path("id").asText());
        }
      }
      scopeIds = ids;
    }
    return scopeIds;
  }
}
