package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-secret hint the admin API shows for a credential (docs/admin-api.md, "Hints"), computed
 * from a file's credential: when a provider's stored credentials show the same kinds and hints, a
 * repeated apply leaves them alone instead of replacing them (and writing an audit entry).
 */
final class CredentialHints {
  private CredentialHints() {}

  static List<String> of(JsonNode credentials) {
    List<String> hints = new ArrayList<>();
    for (JsonNode c : credentials) {
      String kind = c.path("kind").asText();
      String hint =
          switch (kind) {
            case "api_key" -> lastFour(c.path("api_key").asText());
            case "aws" -> c.path("access_key_id").asText();
            case "gcp_service_account" -> clientEmail(c.path("service_account_json").asText());
            case "azure_client_secret" -> "client " + c.path("client_id").asText();
            // A kind this build does not know: never equal, so it is sent (the API judges it).
            default -> "?" + System.nanoTime();
          };
      hints.add(kind + " " + hint);
    }
    return hints;
  }

  private static String lastFour(String key) {
    return key.length() < 16 ? "…" : "…" + key.substring(key.length() - 4);
  }

  private static String clientEmail(String json) {
    try {
      return AdminApi.JSON.readTree(json).path("client_email").asText();
    } catch (IOException e) {
      return "";
    }
  }
}
