package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.provider.ProviderRepository;
import dev.aigateway.db.provider.SealedCredential;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class RotateSecretKeyCommandTest {
  private final Database db;

  RotateSecretKeyCommandTest(Database db) {
    this.db = db;
  }

  private static byte[] newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @Test
  void rotatesStoredCredentialsToTheNewKeyAndPrintsCounts(@TempDir Path dataDir) {
    byte[] oldKey = newKey();
    byte[] newKey = newKey();
    SecretCipher old = new SecretCipher(oldKey, List.of());
    UUID providerId = UUID.randomUUID();
    UUID credentialId = UUID.randomUUID();
    db.dsl()
        .transaction(
            cfg -> {
              ProviderRepository.insert(
                  cfg.dsl(), providerId, "rotated", "openai", "https://a.example", Map.of());
              ProviderRepository.addCredential(
                  cfg.dsl(),
                  providerId,
                  credentialId,
                  "api_key",
                  "…",
                  old.seal(
                      "{\"api_key\":\"k\"}".getBytes(StandardCharsets.UTF_8),
                      credentialId.toString()));
            });
    DatabaseSettings settings = new DatabaseSettings(db.jdbcUrl(), "postgres", null, dataDir, 2);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RotateSecretKeyCommand.rotate(
        settings, newKey, List.of(oldKey), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("1 total, 1 re-encrypted, 0 already under key " + SecretCipher.keyId(newKey));

    SealedCredential stored = ProviderRepository.sealedCredentials(db.dsl(), providerId).get(0);
    assertThat(stored.sealed().keyId()).isEqualTo(SecretCipher.keyId(newKey));
    assertThat(
            new String(
                new SecretCipher(newKey, List.of()).open(stored.sealed(), credentialId.toString()),
                StandardCharsets.UTF_8))
        .isEqualTo("{\"api_key\":\"k\"}");

    out.reset();
    RotateSecretKeyCommand.rotate(
        settings, newKey, List.of(oldKey), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 total, 0 re-encrypted, 1 already");
  }
}
