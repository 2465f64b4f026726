package dev.aigateway.db.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.secret.SecretException;
import dev.aigateway.db.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class CredentialRotationTest {
  private final Database db;

  CredentialRotationTest(Database db) {
    this.db = db;
  }

  @BeforeEach
  void startEmpty() {
    db.dsl().deleteFrom(dev.aigateway.db.jooq.Tables.PROVIDERS).execute();
  }

  private static byte[] newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private UUID store(SecretCipher cipher, String json) {
    UUID providerId = UUID.randomUUID();
    UUID id = UUID.randomUUID();
    db.dsl()
        .transaction(
            cfg -> {
              ProviderRepository.insert(
                  cfg.dsl(), providerId, "p-" + id, "openai", "https://a.example", Map.of());
              ProviderRepository.addCredential(
                  cfg.dsl(),
                  providerId,
                  id,
                  "api_key",
                  "…abcd",
                  cipher.seal(json.getBytes(StandardCharsets.UTF_8), id.toString()));
            });
    return id;
  }

  @Test
  void rotationReencryptsOldCiphertextsUnderTheNewKeyAndIsIdempotent() {
    byte[] oldKey = newKey();
    byte[] newKey = newKey();
    SecretCipher old = new SecretCipher(oldKey, List.of());
    UUID a = store(old, "{\"api_key\": \"one\"}");
    UUID b = store(old, "{\"api_key\": \"two\"}");
    SecretCipher rotating = new SecretCipher(newKey, List.of(oldKey));
    UUID c = store(rotating, "{\"api_key\": \"three\"}");

    CredentialRotation.Result first = CredentialRotation.rotate(db, rotating);
    assertThat(first).isEqualTo(new CredentialRotation.Result(3, 2, 1));
    CredentialRotation.Result again = CredentialRotation.rotate(db, rotating);
    assertThat(again).isEqualTo(new CredentialRotation.Result(3, 0, 3));

    SecretCipher onlyNew = new SecretCipher(newKey, List.of());
    for (SealedCredential s : ProviderRepository.lockAllSealedCredentials(db.dsl())) {
      assertThat(s.sealed().keyId()).isEqualTo(onlyNew.currentKeyId());
      String json = new String(onlyNew.open(s.sealed(), s.id().toString()), StandardCharsets.UTF_8);
      if (s.id().equals(a)) {
        assertThat(json).contains("one");
      } else if (s.id().equals(b)) {
        assertThat(json).contains("two");
      } else if (s.id().equals(c)) {
        assertThat(json).contains("three");
      }
    }
  }

  @Test
  void rotationWithoutTheOldKeyFailsAndChangesNothing() {
    byte[] unknownKey = newKey();
    UUID id = store(new SecretCipher(unknownKey, List.of()), "{\"api_key\": \"x\"}");
    SecretCipher other = new SecretCipher(newKey(), List.of());
    assertThatThrownBy(() -> CredentialRotation.rotate(db, other))
        .isInstanceOf(SecretException.class);
    SealedCredential still =
        ProviderRepository.lockAllSealedCredentials(db.dsl()).stream()
            .filter(s -> s.id().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(still.sealed().keyId()).isEqualTo(SecretCipher.keyId(unknownKey));
  }
}
