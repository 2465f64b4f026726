package dev.aigateway.vocabulary.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one function that turns a client key (or an admin token) into what is stored: the control
 * plane stores it at creation and the data plane looks a presented key up by it, so both must agree
 * byte for byte.
 */
public final class KeyHash {
  private KeyHash() {}

  /**
   * SHA-256 of the token's UTF-8 bytes. Tokens carry at least 32 random bytes, so a fast unsalted
   * hash is enough, and it lets the data plane find a key by its hash in one map lookup.
   */
  public static byte[] of(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** {@link #of} as lower-case hex: the data plane's lookup key. */
  public static String hex(String token) {
    return HexFormat.of().formatHex(of(token));
  }

  /** A stored hash as lower-case hex. */
  public static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }
}
