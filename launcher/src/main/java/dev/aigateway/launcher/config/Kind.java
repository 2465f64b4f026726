package dev.aigateway.launcher.config;

import java.util.List;
import java.util.Set;

/**
 * The resources a configuration file holds, in the order they are created (a model needs its
 * providers, a key its team, a quota its key, team or provider); deletes run in the reverse order.
 *
 * @param fields the fields a file may give, in the order export writes them
 * @param updatable the fields a PATCH may change; the others identify the resource
 */
enum Kind {
  FLEETS("fleets", List.of("name", "listener_port"), Set.of("listener_port")),
  PROVIDERS(
      "providers",
      List.of("name", "schema", "base_url", "settings", "credentials"),
      Set.of("base_url", "settings")),
  TEAMS("teams", List.of("name"), Set.of()),
  MODELS(
      "models",
      List.of("name", "targets", "pricing", "failover"),
      Set.of("targets", "pricing", "failover")),
  KEYS(
      "keys",
      List.of("team", "name", "allowed_models", "expires_at"),
      Set.of("allowed_models", "expires_at")),
  QUOTAS(
      "quotas",
      List.of("scope", "team", "key", "provider", "model", "metric", "window", "limit"),
      Set.of("limit"));

  private final String plural;
  private final List<String> fields;
  private final Set<String> updatable;

  Kind(String plural, List<String> fields, Set<String> updatable) {
    this.plural = plural;
    this.fields = fields;
    this.updatable = updatable;
  }

  /** The admin API's resource name, also the file's top-level key. */
  String plural() {
    return plural;
  }

  List<String> fields() {
    return fields;
  }

  Set<String> updatable() {
    return updatable;
  }
}
