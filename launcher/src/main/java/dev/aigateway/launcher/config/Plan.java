package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The writes that turn what the gateway holds into what a file says, in a safe order. */
final class Plan {
  private Plan() {}

  static List<Change> between(ConfigFile file, Current current, boolean prune) {
    List<Change> changes = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      Map<String, Current.Item> existing = current.of(kind);
      for (ConfigFile.Entry entry : file.entries(kind)) {
        Current.Item item = existing.get(entry.identity());
        if (item == null) {
          changes.add(
              new Change.Create(kind, entry.identity(), entry.canonical(), entry.credentials()));
          continue;
        }
        List<String> fields = new ArrayList<>();
        for (String field : kind.fields()) {
          if (!same(item.canonical().get(field), entry.canonical().get(field))) {
            if (!kind.updatable().contains(field)) {
              throw new ConfigException(
                  kind.plural()
                      + "/"
                      + entry.identity()
                      + ": "
                      + field
                      + " cannot change ("
                      + item.canonical().get(field)
                      + " -> "
                      + entry.canonical().get(field)
                      + "); delete it or give it a new name");
            }
            fields.add(field);
          }
        }
        JsonNode credentials = entry.credentials();
        boolean credentialsChanged =
            credentials != null && !CredentialHints.of(credentials).equals(item.credentialHints());
        if (!fields.isEmpty() || credentialsChanged) {
          changes.add(
              new Change.Update(
                  kind,
                  entry.identity(),
                  item,
                  entry.canonical(),
                  fields,
                  credentialsChanged ? credentials : null));
        }
      }
    }
    if (prune) {
      List<Kind> reverse = new ArrayList<>(List.of(Kind.values()));
      reverse.sort(Comparator.comparing(Kind::ordinal).reversed());
      for (Kind kind : reverse) {
        for (Map.Entry<String, Current.Item> e : current.of(kind).entrySet()) {
          boolean named =
              file.entries(kind).stream().anyMatch(f -> f.identity().equals(e.getKey()));
          // The default fleet is where the embedded proxy lives; the API refuses to delete it.
          boolean protectedFleet = kind == Kind.FLEETS && e.getKey().equals("default");
          if (!named && !protectedFleet) {
            changes.add(new Change.Delete(kind, e.getKey(), e.getValue()));
          }
        }
      }
    }
    return changes;
  }

  /** Equal values; numbers by value (the API may answer 1.50 for 1.5). */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b || (a == null ? b.isNull() : a.isNull());
    }
    return a.equals(
        (x, y) -> {
          if (x.isNumber() && y.isNumber()) {
            BigDecimal bx = ((com.fasterxml.jackson.databind.node.NumericNode) x).decimalValue();
            BigDecimal by = ((com.fasterxml.jackson.databind.node.NumericNode) y).decimalValue();
            return bx.compareTo(by);
          }
          return Objects.equals(x, y) ? 0 : 1;
        },
        b);
  }
}
