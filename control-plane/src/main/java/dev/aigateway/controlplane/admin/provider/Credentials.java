package dev.aigateway.controlplane.admin.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.problem.Validation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates submitted credentials per kind and derives their non-secret hints. */
final class Credentials {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private Credentials() {}

  /** The validated credential, or null after adding errors under {@code field}. */
  static @Nullable PlainCredential validate(
      Validation v, String field, @Nullable CredentialInput in, ProviderSchema schema) {
    String pre = field.isEmpty() ? "" : field + ".";
    if (in == null) {
      v.add(field.isEmpty() ? "$" : field, "is required");
      return null;
    }
    if (!v.oneOf(pre + "kind", in.kind(), CredentialKind.wireNames())) {
      return null;
    }
    CredentialKind kind = CredentialKind.fromWire(in.kind()).orElseThrow();
    if (!schema.credentialKinds().contains(kind)) {
      v.add(pre + "kind", "is not supported by schema " + schema.wire());
      return null;
    }
    int before = errorsMarker(v);
    Map<String, Object> secret = new LinkedHashMap<>();
    String hint;
    switch (kind) {
      case API_KEY -> {
        only(v, pre, in, List.of("api_key"));
        v.text(pre + "api_key", in.apiKey(), 4096);
        secret.put("api_key", in.apiKey());
        hint = lastFour(in.apiKey());
      }
      case AWS -> {
        only(v, pre, in, List.of("access_key_id", "secret_access_key", "session_token"));
        v.text(pre + "access_key_id", in.accessKeyId(), 128);
        v.text(pre + "secret_access_key", in.secretAccessKey(), 256);
        if (in.sessionToken() != null) {
          v.text(pre + "session_token", in.sessionToken(), 8192);
        }
        secret.put("access_key_id", in.accessKeyId());
        secret.put("secret_access_key", in.secretAccessKey());
        secret.put("session_token", in.sessionToken());
        hint = in.accessKeyId() == null ? "" : in.accessKeyId();
      }
      case GCP_SERVICE_ACCOUNT -> {
        only(v, pre, in, List.of("service_account_json"));
        hint = "";
        if (v.text(pre + "service_account_json", in.serviceAccountJson(), 32_768)) {
          String email = serviceAccountEmail(in.serviceAccountJson());
          if (email == null) {
            v.add(
                pre + "service_account_json",
                "must be a service account JSON key (type service_account, client_email,"
                    + " private_key)");
          } else {
            hint = email;
          }
        }
        secret.put("service_account_json", in.serviceAccountJson());
      }
      case AZURE_CLIENT_SECRET -> {
        only(v, pre, in, List.of("tenant_id", "client_id", "client_secret"));
        v.text(pre + "tenant_id", in.tenantId(), 256);
        v.text(pre + "client_id", in.clientId(), 256);
        v.text(pre + "client_secret", in.clientSecret(), 1024);
        secret.put("tenant_id", in.tenantId());
        secret.put("client_id", in.clientId());
        secret.put("client_secret", in.clientSecret());
        hint = in.clientId() == null ? "" : "client " + in.clientId();
      }
      default -> throw new IllegalStateException();
    }
    if (errorsMarker(v) != before) {
      return null;
    }
    return new PlainCredential(kind, secret, hint);
  }

  private static int errorsMarker(Validation v) {
    return v.errorCount();
  }

  /** Rejects fields that belong to another kind. */
  private static void only(Validation v, String pre, CredentialInput in, List<String> allowed) {
    Map<String, Object> present = new LinkedHashMap<>();
    present.put("api_key", in.apiKey());
    present.put("access_key_id", in.accessKeyId());
    present.put("secret_access_key", in.secretAccessKey());
    present.put("session_token", in.sessionToken());
    present.put("service_account_json", in.serviceAccountJson());
    present.put("tenant_id", in.tenantId());
    present.put("client_id", in.clientId());
    present.put("client_secret", in.clientSecret());
    present.forEach(
        (name, value) -> {
          if (value != null && !allowed.contains(name)) {
            v.add(pre + name, "is not a field of kind " + in.kind());
          }
        });
  }

  /** The last four characters, only when the key is long enough that they reveal little. */
  static String lastFour(@Nullable String key) {
    if (key == null || key.length() < 16) {
      return "…";
    }
    return "…" + key.substring(key.length() - 4);
  }

  private static @Nullable String serviceAccountEmail(String json) {
    try {
      JsonNode node = PLAIN.readTree(json);
      if (node != null
          && node.isObject()
          && "service_account".equals(node.path("type").asText())
          && node.path("client_email").isTextual()
          && node.path("private_key").isTextual()) {
        return node.path("client_email").asText();
      }
      return null;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
