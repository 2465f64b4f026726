package dev.aigateway.controlplane.admin.provider;

import java.util.Map;

/**
 * A validated credential before sealing: the secret fields (contract names) and a non-secret hint.
 * {@link #toString} hides the secret fields.
 */
record PlainCredential(CredentialKind kind, Map<String, Object> secretFields, String hint) {
  @Override
  public String toString() {
    return "PlainCredential[kind=" + kind.wire() + ", hint=" + hint + "]";
  }
}
