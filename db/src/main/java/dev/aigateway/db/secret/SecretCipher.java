package dev.aigateway.db.secret;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of secrets at rest. Each ciphertext is tagged with the id of the key that
 * sealed it, so old ciphertexts stay readable while they are re-encrypted under a new key.
 */
public final class SecretCipher {

  /** A ciphertext and the id of the key that produced it. */
  public record Sealed(String keyId, byte[] ciphertext) {
    public Sealed {
      requireNonNull(keyId, "keyId");
      requireNonNull(ciphertext, "ciphertext");
    }
  }

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String currentKeyId;
  private final Map<String, SecretKeySpec> keys;

  /**
   * @param current the key new secrets are sealed with
   * @param previous older keys, only used to open what they sealed
   */
  public SecretCipher(byte[] current, List<byte[]> previous) {
    requireNonNull(current, "current");
    requireNonNull(previous, "previous");
    Map<String, SecretKeySpec> all = new LinkedHashMap<>();
    currentKeyId = keyId(current);
    all.put(currentKeyId, spec(current));
    for (byte[] key : previous) {
      all.putIfAbsent(keyId(key), spec(key));
    }
    keys = Map.copyOf(all);
  }

  /** The id of the key used by {@link #seal}. */
  public String currentKeyId() {
    return currentKeyId;
  }

  /**
   * Encrypts {@code plaintext}; {@code context} (for example the owning row's id) is authenticated
   * but not stored, so a ciphertext cannot be moved to another row.
   */
  public Sealed seal(byte[] plaintext, String context) {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] body = cipher.doFinal(plaintext);
      return new Sealed(
          currentKeyId, ByteBuffer.allocate(iv.length + body.length).put(iv).put(body).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts what {@link #seal} produced with the same {@code context}.
   *
   * @throws SecretException when the key is unknown or the ciphertext was altered
   */
  public byte[] open(Sealed sealed, String context) {
    SecretKeySpec key = keys.get(sealed.keyId());
    if (key == null) {
      throw new SecretException(
          "no secret key with id "
              + sealed.keyId()
              + " is configured (was GATEWAY_SECRET_KEY changed without rotate-secret-key?)");
    }
    byte[] data = sealed.ciphertext();
    if (data.length < IV_BYTES + TAG_BITS / 8) {
      throw new SecretException("ciphertext too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, IV_BYTES));
      cipher.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return cipher.doFinal(data, IV_BYTES, data.length - IV_BYTES);
    } catch (GeneralSecurityException e) {
      throw new SecretException(
          "a stored secret could not be decrypted (wrong key or altered data)");
    }
  }

  /** A short, non-secret identifier of a key: the first 8 bytes of its SHA-256, in hex. */
  public static String keyId(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SecretKeySpec spec(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("secret key length: " + key.length + " (expected: 32)");
    }
    return new SecretKeySpec(key.clone(), "AES");
  }
}
