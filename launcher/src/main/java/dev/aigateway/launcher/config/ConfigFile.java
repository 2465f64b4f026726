package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A configuration file: the admin API's resources as YAML, keyed by resource plural, with the admin
 * API's field names ({@code gateway-config.schema.json} describes it).
 */
final class ConfigFile {
  static final String SCHEMA_RESOURCE = "/gateway-config.schema.json";
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  /**
   * One resource the file names.
   *
   * @param credentials a provider's credentials, secrets resolved from the environment; null if the
   *     file gives none (stored ones are then left as they are)
   */
  record Entry(String identity, ObjectNode canonical, @Nullable JsonNode credentials) {}

  private final Map<Kind, List<Entry>> entries = new EnumMap<>(Kind.class);

  private ConfigFile() {}

  /** Reads a file's text, resolving {@code ${VAR}} references with {@code env}. */
  static ConfigFile parse(String text, Function<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read the file: " + e.getMessage());
    }
    ConfigFile file = new ConfigFile();
    for (Kind kind : Kind.values()) {
      file.entries.put(kind, new ArrayList<>());
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return file;
    }
    if (!root.isObject()) {
      throw new ConfigException("the file must be a mapping of resource lists (providers:, ...)");
    }
    EnvReferences.resolve(root, env);
    Map<String, Kind> kinds = new HashMap<>();
    for (Kind kind : Kind.values()) {
      kinds.put(kind.plural(), kind);
    }
    for (Map.Entry<String, JsonNode> section : root.properties()) {
      Kind kind = kinds.get(section.getKey());
      if (kind == null) {
        throw new ConfigException(
            section.getKey()
                + ": unknown section (expected: "
                + String.join(", ", kinds.keySet())
                + ")");
      }
      if (section.getValue().isNull()) {
        continue;
      }
      if (!section.getValue().isArray()) {
        throw new ConfigException(kind.plural() + ": must be a list");
      }
      Map<String, String> seen = new HashMap<>();
      for (int i = 0; i < section.getValue().size(); i++) {
        String where = kind.plural() + "[" + i + "]";
        JsonNode item = section.getValue().get(i);
        if (item.isObject()) {
          for (String field : (Iterable<String>) item::fieldNames) {
            if (!kind.fields().contains(field)) {
              throw new ConfigException(where + "." + field + ": unknown field");
            }
          }
        }
        ObjectNode canonical = Normalize.item(kind, item, where, Map.of());
        String identity = Normalize.identity(kind, canonical);
        String earlier = seen.put(identity, where);
        if (earlier != null) {
          throw new ConfigException(where + ": names the same " + kind.plural() + " as " + earlier);
        }
        JsonNode credentials = item.get("credentials");
        if (credentials != null && !credentials.isNull() && !credentials.isArray()) {
          throw new ConfigException(where + ".credentials: must be a list");
        }
        file.entries
            .get(kind)
            .add(
                new Entry(
                    identity,
                    canonical,
                    credentials == null || credentials.isNull() ? null : credentials));
      }
    }
    return file;
  }

  List<Entry> entries(Kind kind) {
    return entries.get(kind);
  }

  /** The YAML {@code gateway config export} writes: every kind, never a secret. */
  static String export(Current current) {
    ObjectNode root = YAML.createObjectNode();
    for (Kind kind : Kind.values()) {
      ArrayNode list = root.putArray(kind.plural());
      current.of(kind).values().forEach(item -> list.add(item.canonical()));
    }
    try {
      return "# AI gateway configuration (gateway config export). Apply with: gateway config apply FILE\n"
          + "# Schema: gateway config schema > gateway-config.schema.json\n"
          + "# yaml-language-server: $schema=gateway-config.schema.json\n"
          + "# Secrets are never exported: give provider credentials as ${ENV_VAR} references.\n"
          + YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
