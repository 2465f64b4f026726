package dev.aigateway.db.secret;

import dev.aigateway.vocabulary.key.KeyHash;
import java.security.MessageDigest;
import java.security.SecureRandom;

/** Hashing and generation of high-entropy tokens (client keys, admin tokens). */
public final class Hashes {
  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Hashes() {}

  /** The stored hash of a token: {@link KeyHash}, the function both planes share. */
  public static byte[] sha256(String token) {
    return KeyHash.of(token);
  }

  /** Constant-time comparison of two digests. */
  public static boolean equal(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /**
   * {@code prefix} followed by {@code randomBytes} random bytes in base62 (about 1.34 chars each).
   */
  public static String newToken(String prefix, int randomBytes) {
    byte[] bytes = new byte[randomBytes];
    RANDOM.nextBytes(bytes);
    // Base62 of the number formed by the bytes, with a leading 1 so that leading zero bytes count.
    java.math.BigInteger value = new java.math.BigInteger(1, bytes).setBit(randomBytes * 8);
    java.math.BigInteger base = java.math.BigInteger.valueOf(62);
    StringBuilder digits = new StringBuilder();
    while (value.signum() > 0) {
      java.math.BigInteger[] qr = value.divideAndRemainder(base);
      digits.append(BASE62[qr[1].intValue()]);
      value = qr[0];
    }
    return prefix + digits.reverse();
  }
}
