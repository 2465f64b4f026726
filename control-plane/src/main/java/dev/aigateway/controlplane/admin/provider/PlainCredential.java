package dev.aigateway.controlplane.admin.provider;

import dev.aigateway.vocabulary.provider.CredentialKind;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A validated credential before sealing: its fields (contract names; all are sealed, the secret
 * ones and the rest alike) and a non-secret hint. {@link #toString} hides the fields.
 */
record PlainCredential(
    CredentialKind kind, Map<String, @Nullable Object> secretFields, String hint) {
  @Override
  public String toString() {
    return "PlainCredential[kind=" + kind.wire() + ", hint=" + hint + "]";
  }
}
