package dev.aigateway.launcher;

import dev.aigateway.db.secret.SecretKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The secret encryption key (and older ones during a rotation), from the environment only. */
final class SecretOptions {
  private SecretOptions() {}

  /** {@code GATEWAY_SECRET_KEY}, or a key generated once into the data directory. */
  static byte[] currentKey(Path dataDir) {
    return SecretKeys.loadOrCreate(System.getenv("GATEWAY_SECRET_KEY"), dataDir);
  }

  /**
   * {@code GATEWAY_SECRET_KEY_PREVIOUS}: comma-separated base64 keys still accepted for reading.
   */
  static List<byte[]> previousKeys() {
    String value = System.getenv("GATEWAY_SECRET_KEY_PREVIOUS");
    List<byte[]> keys = new ArrayList<>();
    if (value != null && !value.isBlank()) {
      for (String part : value.split(",")) {
        keys.add(SecretKeys.decode(part, "GATEWAY_SECRET_KEY_PREVIOUS"));
      }
    }
    return keys;
  }
}
