package dev.aigateway.controlplane.admin.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a provider credential authenticates; see docs/contracts.md for the sealed fields. */
public enum CredentialKind {
  API_KEY("api_key"),
  AWS("aws"),
  GCP_SERVICE_ACCOUNT("gcp_service_account"),
  AZURE_CLIENT_SECRET("azure_client_secret");

  private final String wire;

  CredentialKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<CredentialKind> fromWire(String value) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(value)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(CredentialKind::wire).toList();
  }
}
