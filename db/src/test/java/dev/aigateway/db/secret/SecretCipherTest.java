package dev.aigateway.db.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void sealedSecretsOpenWithTheSameContextOnly() {
    SecretCipher cipher = new SecretCipher(key(1), List.of());
    SecretCipher.Sealed sealed = cipher.seal("sk-live".getBytes(StandardCharsets.UTF_8), "row-1");

    assertThat(new String(cipher.open(sealed, "row-1"), StandardCharsets.UTF_8))
        .isEqualTo("sk-live");
    assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1))
        .doesNotContain("sk-live");
    assertThatThrownBy(() -> cipher.open(sealed, "row-2")).isInstanceOf(SecretException.class);
  }

  @Test
  void aRotatedCipherStillOpensWhatTheOldKeySealed() {
    SecretCipher old = new SecretCipher(key(1), List.of());
    SecretCipher.Sealed sealed = old.seal(new byte[] {42}, "ctx");
    SecretCipher rotated = new SecretCipher(key(2), List.of(key(1)));

    assertThat(rotated.open(sealed, "ctx")).containsExactly(42);
    assertThat(rotated.seal(new byte[] {1}, "ctx").keyId()).isEqualTo(SecretCipher.keyId(key(2)));
    assertThatThrownBy(() -> new SecretCipher(key(2), List.of()).open(sealed, "ctx"))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining(sealed.keyId());
  }

  @Test
  void aGeneratedKeyIsStoredOwnerOnlyAndReused(@TempDir Path dir) throws Exception {
    byte[] first = SecretKeys.loadOrCreate(null, dir);
    byte[] second = SecretKeys.loadOrCreate(null, dir);

    assertThat(first).hasSize(32).isEqualTo(second);
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secret.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aMalformedConfiguredKeyIsRejectedByName() {
    assertThatThrownBy(() -> SecretKeys.loadOrCreate("c2hvcnQ=", Path.of("/nonexistent")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GATEWAY_SECRET_KEY")
        .hasMessageContaining("32 bytes");
  }

  @Test
  void tokensHaveThePrefixAndEnoughEntropy() {
    String token = Hashes.newToken("sk-gw-", 32);
    assertThat(token).startsWith("sk-gw-").matches("sk-gw-[0-9A-Za-z]{43,}");
    assertThat(Hashes.newToken("sk-gw-", 32)).isNotEqualTo(token);
    assertThat(Hashes.equal(Hashes.sha256(token), Hashes.sha256(token))).isTrue();
  }
}
