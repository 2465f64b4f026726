package dev.aigateway.vocabulary.provider;

import static java.util.Objects.requireNonNull;

/**
 * One field of a credential kind. Every field is stored sealed; {@code secret} says whether the
 * console masks it and whether it may ever be shown (never, for secrets).
 *
 * @param maxLength longest accepted value, in characters
 * @param multiline whether the console offers a text area (JSON key files)
 */
public record CredentialField(
    String name, String label, boolean secret, boolean required, int maxLength, boolean multiline) {
  public CredentialField {
    requireNonNull(name, "name");
    requireNonNull(label, "label");
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: > 0)");
    }
  }

  static CredentialField secret(String name, String label, int maxLength) {
    return new CredentialField(name, label, true, true, maxLength, false);
  }

  static CredentialField plain(String name, String label, int maxLength) {
    return new CredentialField(name, label, false, true, maxLength, false);
  }

  static CredentialField optional(String name, String label, int maxLength) {
    return new CredentialField(name, label, false, false, maxLength, false);
  }
}
