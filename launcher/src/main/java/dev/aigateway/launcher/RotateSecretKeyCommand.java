package dev.aigateway.launcher;

import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.provider.CredentialRotation;
import dev.aigateway.db.secret.SecretCipher;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gateway rotate-secret-key}: re-encrypt stored credentials under the current key. */
@Command(
    name = "rotate-secret-key",
    mixinStandardHelpOptions = true,
    description = {
      "Re-encrypt every stored provider credential under GATEWAY_SECRET_KEY, reading old"
          + " ciphertexts with the keys in GATEWAY_SECRET_KEY_PREVIOUS. Safe to run again.",
      "Rotation: set the new key as GATEWAY_SECRET_KEY and the old one in"
          + " GATEWAY_SECRET_KEY_PREVIOUS on every process, run this command, then remove the old"
          + " key."
    })
final class RotateSecretKeyCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Override
  public Integer call() {
    DatabaseSettings settings = database.settings();
    return rotate(
        settings,
        SecretOptions.currentKey(settings.dataDir()),
        SecretOptions.previousKeys(),
        System.out);
  }

  /** Connects (migrating first), re-encrypts in one transaction and prints the counts. */
  static int rotate(
      DatabaseSettings settings, byte[] currentKey, List<byte[]> previousKeys, PrintStream out) {
    SecretCipher cipher = new SecretCipher(currentKey, previousKeys);
    try (Database db = Database.start(settings)) {
      CredentialRotation.Result result = CredentialRotation.rotate(db, cipher);
      out.printf(
          "credentials: %d total, %d re-encrypted, %d already under key %s%n",
          result.total(), result.reencrypted(), result.alreadyCurrent(), cipher.currentKeyId());
    }
    return 0;
  }
}
