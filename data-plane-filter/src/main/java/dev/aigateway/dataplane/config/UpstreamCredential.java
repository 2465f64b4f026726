package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One decrypted provider credential: its kind ({@code api_key}, {@code aws}, ...) and secret
 * fields. {@link #toString()} never shows the secret fields.
 */
public record UpstreamCredential(UUID id, String kind, String hint, Map<String, String> secrets) {

  public UpstreamCredential {
    requireNonNull(id, "id");
    requireNonNull(kind, "kind");
    requireNonNull(hint, "hint");
    secrets = Map.copyOf(secrets);
  }

  /** A secret field, or null when this credential does not have it. */
  public @Nullable String secret(String field) {
    return secrets.get(field);
  }

  @Override
  public String toString() {
    return "UpstreamCredential[id=" + id + ", kind=" + kind + ", hint=" + hint + "]";
  }
}
