package dev.aigateway.vocabulary.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  @Test
  void everyKindIsAcceptedBySomeSchemaAndEverySchemaAcceptsSomeKind() {
    for (ProviderSchema schema : ProviderSchema.values()) {
      assertThat(schema.credentialKinds()).as(schema.wire()).isNotEmpty().doesNotHaveDuplicates();
    }
    for (CredentialKind kind : CredentialKind.values()) {
      assertThat(Arrays.stream(ProviderSchema.values()))
          .as(kind.wire())
          .anyMatch(s -> s.credentialKinds().contains(kind));
    }
  }

  @Test
  void wireNamesAndFieldNamesAreUnique() {
    assertThat(ProviderSchema.wireNames()).doesNotHaveDuplicates();
    assertThat(CredentialKind.wireNames()).doesNotHaveDuplicates();
    for (CredentialKind kind : CredentialKind.values()) {
      List<String> names = kind.fields().stream().map(CredentialField::name).toList();
      assertThat(new HashSet<>(names)).as(kind.wire()).hasSameSizeAs(names);
    }
  }

  @Test
  void kindsThatStoreNoSecretHaveNoSecretOrRequiredField() {
    for (CredentialKind kind : CredentialKind.values()) {
      if (!kind.storesSecret()) {
        assertThat(kind.fields()).as(kind.wire()).noneMatch(f -> f.secret() || f.required());
        assertThat(kind.mayBlock()).as(kind.wire()).isTrue();
      }
    }
  }

  @Test
  void wireNamesRoundTrip() {
    for (ProviderSchema schema : ProviderSchema.values()) {
      assertThat(ProviderSchema.fromWire(schema.wire())).contains(schema);
    }
    for (CredentialKind kind : CredentialKind.values()) {
      assertThat(CredentialKind.fromWire(kind.wire())).contains(kind);
    }
    assertThat(ProviderSchema.fromWire("azure")).isEmpty();
  }
}
