package dev.aigateway.db.provider;

import dev.aigateway.db.Database;
import dev.aigateway.db.audit.AuditRepository;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.secret.SecretCipher;
import java.util.Arrays;
import java.util.Map;

/**
 * Re-encrypts every stored provider credential under the cipher's current key, opening older
 * ciphertexts with its previous keys. Idempotent: credentials already under the current key are
 * left alone. All or nothing: one transaction.
 */
public final class CredentialRotation {
  private CredentialRotation() {}

  /** Counts of one run. */
  public record Result(int total, int reencrypted, int alreadyCurrent) {}

  /**
   * @throws dev.aigateway.db.secret.SecretException when a credential was sealed with a key that is
   *     neither current nor previous (nothing is changed then)
   */
  public static Result rotate(Database database, SecretCipher cipher) {
    return database
        .dsl()
        .transactionResult(
            cfg -> {
              var tx = cfg.dsl();
              int total = 0;
              int reencrypted = 0;
              for (SealedCredential credential : ProviderRepository.lockAllSealedCredentials(tx)) {
                total++;
                if (credential.sealed().keyId().equals(cipher.currentKeyId())) {
                  continue;
                }
                String context = credential.id().toString();
                byte[] plaintext = cipher.open(credential.sealed(), context);
                try {
                  ProviderRepository.replaceCiphertext(
                      tx, credential.id(), cipher.seal(plaintext, context));
                } finally {
                  Arrays.fill(plaintext, (byte) 0);
                }
                reencrypted++;
              }
              if (reencrypted > 0) {
                AuditRepository.append(
                    tx,
                    "rotate-secret-key",
                    "rotate_secret_key",
                    "provider_credentials",
                    null,
                    null,
                    Map.of("key_id", cipher.currentKeyId(), "reencrypted", reencrypted));
                ConfigRevisions.bump(tx);
              }
              return new Result(total, reencrypted, total - reencrypted);
            });
  }
}
