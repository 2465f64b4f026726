package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in every string of a configuration file with the environment variable
 * NAME, so secrets live in the environment (or a secret store feeding it), never in the file.
 */
final class EnvReferences {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private EnvReferences() {}

  /** Resolves in place; a variable that is not set is an error naming it and where it is used. */
  static void resolve(JsonNode node, Function<String, String> env) {
    resolve(node, "", env);
  }

  private static void resolve(JsonNode node, String path, Function<String, String> env) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        if (field.getValue() instanceof TextNode text) {
          field.setValue(TextNode.valueOf(substitute(text.asText(), at, env)));
        } else {
          resolve(field.getValue(), at, env);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = path + "[" + i + "]";
        if (array.get(i) instanceof TextNode text) {
          array.set(i, TextNode.valueOf(substitute(text.asText(), at, env)));
        } else {
          resolve(array.get(i), at, env);
        }
      }
    }
  }

  private static String substitute(String value, String at, Function<String, String> env) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String resolved = env.apply(m.group(1));
      if (resolved == null) {
        throw new ConfigException(at + ": environment variable " + m.group(1) + " is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }
}
