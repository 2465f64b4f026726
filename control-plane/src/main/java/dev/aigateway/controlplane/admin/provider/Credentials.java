package dev.aigateway.controlplane.admin.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.FieldError;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.vocabulary.provider.CredentialField;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates submitted credentials against their kind's fields and derives non-secret hints. */
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
      v.add(
          pre + "kind",
          "is not supported by schema "
              + schema.wire()
              + " (expected one of "
              + String.join(
                  ", ", schema.credentialKinds().stream().map(CredentialKind::wire).toList())
              + ")");
      return null;
    }
    int before = v.errorCount();
    for (String name : in.fields().keySet()) {
      if (kind.fields().stream().noneMatch(f -> f.name().equals(name))) {
        v.add(pre + Validation.echoableName(name), "is not a field of kind " + kind.wire());
      }
    }
    Map<String, @Nullable Object> values = new LinkedHashMap<>();
    for (CredentialField f : kind.fields()) {
      Object raw = in.fields().get(f.name());
      if (raw == null && !f.required()) {
        // Sealed as null: the contract (docs/contracts.md) lists every field of a kind.
        values.put(f.name(), null);
        continue;
      }
      if (raw != null && !(raw instanceof String)) {
        // A JSON type error is a 400, as for every other field of the API.
        throw ApiProblem.badRequest(
            "the request body does not match the expected shape",
            List.of(new FieldError(pre + f.name(), "has the wrong type (expected string)")));
      }
      if (v.text(pre + f.name(), (String) raw, f.maxLength())) {
        values.put(f.name(), raw);
      }
    }
    if (kind == CredentialKind.GCP_SERVICE_ACCOUNT
        && values.get("service_account_json") instanceof String json
        && serviceAccountEmail(json) == null) {
      v.add(
          pre + "service_account_json",
          "must be a service account JSON key (type service_account, client_email, private_key)");
    }
    if (v.errorCount() != before) {
      return null;
    }
    return new PlainCredential(kind, values, hint(kind, values));
  }

  /** What the console may show of a credential: never a secret, at most a key's last four. */
  private static String hint(CredentialKind kind, Map<String, @Nullable Object> values) {
    return switch (kind) {
      case API_KEY -> lastFour((String) values.get("api_key"));
      case AWS -> (String) values.get("access_key_id");
      case AWS_DEFAULT ->
          values.get("role_arn") != null ? "role " + values.get("role_arn") : "default chain";
      case GCP_SERVICE_ACCOUNT ->
          impersonating(values, serviceAccountEmail((String) values.get("service_account_json")));
      case GCP_DEFAULT -> impersonating(values, "application default");
      case AZURE_CLIENT_SECRET -> "client " + values.get("client_id");
      case AZURE_DEFAULT ->
          values.get("client_id") != null ? "client " + values.get("client_id") : "system identity";
    };
  }

  private static String impersonating(Map<String, @Nullable Object> values, @Nullable String who) {
    Object target = values.get("impersonate_service_account");
    return target == null ? String.valueOf(who) : who + " as " + target;
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
