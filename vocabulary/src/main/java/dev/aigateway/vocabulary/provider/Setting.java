package dev.aigateway.vocabulary.provider;

import static java.util.Objects.requireNonNull;

/**
 * A provider setting of one schema ({@code region}, {@code api_version}, ...), stored as a string.
 *
 * @param help one line for the console, or empty
 */
public record Setting(String name, String label, boolean required, String help) {
  public Setting {
    requireNonNull(name, "name");
    requireNonNull(label, "label");
    requireNonNull(help, "help");
  }

  static Setting required(String name, String label, String help) {
    return new Setting(name, label, true, help);
  }

  static Setting optional(String name, String label, String help) {
    return new Setting(name, label, false, help);
  }
}
