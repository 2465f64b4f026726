package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One write that makes the gateway match the file. */
sealed interface Change {
  Kind kind();

  String identity();

  /** The line {@code --dry-run} and apply print; never a secret. */
  String describe();

  /**
   * A resource the file names and the gateway lacks.
   *
   * @param credentials the file's credentials (providers), secrets resolved; null if none
   */
  record Create(Kind kind, String identity, ObjectNode desired, @Nullable JsonNode credentials)
      implements Change {
    @Override
    public String describe() {
      return "+ " + kind.plural() + "/" + identity;
    }
  }

  /**
   * Fields that differ.
   *
   * @param fields the changed fields (not {@code credentials})
   * @param credentials the file's credentials when they differ from the stored ones, else null
   */
  record Update(
      Kind kind,
      String identity,
      Current.Item current,
      ObjectNode desired,
      List<String> fields,
      @Nullable JsonNode credentials)
      implements Change {
    @Override
    public String describe() {
      StringBuilder line = new StringBuilder("~ " + kind.plural() + "/" + identity);
      for (String field : fields) {
        line.append("\n    ")
            .append(field)
            .append(": ")
            .append(shown(current.canonical().get(field)))
            .append(" -> ")
            .append(shown(desired.get(field)));
      }
      if (credentials != null) {
        line.append("\n    credentials: replaced (")
            .append(String.join(", ", CredentialHints.of(credentials)))
            .append(")");
      }
      return line.toString();
    }

    private static String shown(@Nullable JsonNode value) {
      return value == null ? "(none)" : value.toString();
    }
  }

  /** A resource the gateway has and the file does not name ({@code --prune}). */
  record Delete(Kind kind, String identity, Current.Item current) implements Change {
    @Override
    public String describe() {
      return "- " + kind.plural() + "/" + identity;
    }
  }
}
