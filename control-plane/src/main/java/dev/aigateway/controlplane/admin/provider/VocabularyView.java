package dev.aigateway.controlplane.admin.provider;

import dev.aigateway.vocabulary.provider.CredentialField;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import dev.aigateway.vocabulary.provider.Setting;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /api/v1/provider-schemas}: the provider vocabulary as the console reads it, so the
 * console's provider form offers exactly what the admin API accepts.
 */
public record VocabularyView(List<Schema> schemas, List<Kind> credentialKinds) {
  record Schema(
      String name,
      String label,
      String defaultBaseUrl,
      boolean http2,
      boolean credentialOptional,
      List<Setting> settings,
      List<String> credentialKinds) {}

  record Kind(
      String name,
      String label,
      boolean storesSecret,
      boolean mayBlock,
      List<CredentialField> fields) {}

  public static VocabularyView current() {
    return new VocabularyView(
        Arrays.stream(ProviderSchema.values())
            .map(
                s ->
                    new Schema(
                        s.wire(),
                        s.label(),
                        s.defaultBaseUrl(),
                        s.http2(),
                        s.credentialOptional(),
                        s.settings(),
                        s.credentialKinds().stream().map(CredentialKind::wire).toList()))
            .toList(),
        Arrays.stream(CredentialKind.values())
            .map(k -> new Kind(k.wire(), k.label(), k.storesSecret(), k.mayBlock(), k.fields()))
            .toList());
  }
}
