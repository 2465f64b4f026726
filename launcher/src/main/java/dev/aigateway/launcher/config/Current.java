package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a running gateway holds, per kind and identity, in the canonical form. */
final class Current {
  /** One resource: its canonical form, and the id and version a PATCH or DELETE needs. */
  record Item(ObjectNode canonical, String id, long version, List<String> credentialHints) {}

  private final Map<Kind, Map<String, Item>> items = new EnumMap<>(Kind.class);

  private Current() {}

  /** Reads every resource; revoked and expired keys are history, not configuration. */
  static Current load(AdminApi api) {
    Current current = new Current();
    Map<String, String> names = new HashMap<>();
    for (Kind kind : Kind.values()) {
      Map<String, Item> byIdentity = new LinkedHashMap<>();
      for (ObjectNode raw : api.list(kind.plural())) {
        if (kind == Kind.KEYS && !raw.path("status").asText("active").equals("active")) {
          continue;
        }
        ObjectNode canonical =
            Normalize.item(kind, raw, kind.plural() + "/" + raw.path("id").asText(), names);
        String identity = Normalize.identity(kind, canonical);
        String id = raw.path("id").asText();
        if (kind == Kind.TEAMS || kind == Kind.KEYS || kind == Kind.PROVIDERS) {
          names.put(id, identity);
        }
        if (byIdentity.containsKey(identity)) {
          throw new ConfigException(
              kind.plural()
                  + "/"
                  + identity
                  + ": the gateway has two of these; remove one before applying a file");
        }
        byIdentity.put(
            identity,
            new Item(canonical, id, raw.path("version").asLong(), hints(raw.path("credentials"))));
      }
      current.items.put(kind, byIdentity);
    }
    return current;
  }

  Map<String, Item> of(Kind kind) {
    return items.get(kind);
  }

  private static List<String> hints(JsonNode credentials) {
    return credentials.isArray()
        ? java.util.stream.StreamSupport.stream(credentials.spliterator(), false)
            .map(c -> c.path("kind").asText() + " " + c.path("hint").asText())
            .toList()
        : List.of();
  }
}
