package dev.aigateway.db.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Loads the secret encryption key from configuration, or creates one in the data directory. */
public final class SecretKeys {
  /** File name of the generated key inside the data directory. */
  public static final String KEY_FILE = "secret.key";

  private SecretKeys() {}

  /**
   * Decodes a base64 key of 32 bytes.
   *
   * @throws IllegalArgumentException with a message naming {@code setting} when it is invalid
   */
  public static byte[] decode(String base64, String setting) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + " is not valid base64");
    }
    if (key.length != 32) {
      throw new IllegalArgumentException(
          setting
              + " must decode to 32 bytes (got "
              + key.length
              + "); create one with: openssl rand -base64 32");
    }
    return key;
  }

  /**
   * The configured key if {@code configured} is set; otherwise the key stored in {@code dataDir},
   * generated with owner-only permissions on first use.
   */
  public static byte[] loadOrCreate(@Nullable String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return decode(configured, "GATEWAY_SECRET_KEY");
    }
    Path file = dataDir.resolve(KEY_FILE);
    try {
      if (Files.exists(file)) {
        return decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
      }
      Files.createDirectories(dataDir);
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file,
          Base64.getEncoder().encodeToString(key),
          StandardCharsets.US_ASCII,
          StandardOpenOption.TRUNCATE_EXISTING);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }
}
