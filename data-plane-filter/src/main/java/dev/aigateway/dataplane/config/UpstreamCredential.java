package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import dev.aigateway.vocabulary.provider.CredentialKind;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One decrypted provider credential: its kind and fields (secret or not, all were sealed). {@link
 * #toString()} never shows the fields.
 */
public record UpstreamCredential(
    UUID id, CredentialKind kind, String hint, Map<String, String> secrets) {

  public UpstreamCredential {
    requireNonNull(id, "id");
    requireNonNull(kind, "kind");
    requireNonNull(hint, "hint");
    secrets = Map.copyOf(secrets);
  }

  /** A field, or null when this credential does not have it (or it is blank). */
  public @Nullable String secret(String field) {
    String value = secrets.get(field);
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String toString() {
    return "UpstreamCredential[id=" + id + ", kind=" + kind.wire() + ", hint=" + hint + "]";
  }
}
