package dev.aigateway.dataplane.config;

import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, consistent view of everything the data plane reads from the database.
 *
 * @param revision the config revision it was loaded at (0 when nothing could be loaded yet)
 * @param keysByHash client keys by the lower-case hex of their SHA-256
 */
public record ConfigSnapshot(
    long revision,
    Map<String, ProviderConfig> providers,
    Map<String, ModelConfig> models,
    Map<String, ClientKey> keysByHash) {

  public ConfigSnapshot {
    providers = Map.copyOf(providers);
    models = Map.copyOf(models);
    keysByHash = Map.copyOf(keysByHash);
  }

  /** Nothing loaded: every request is refused until the database answers. */
  public static ConfigSnapshot empty() {
    return new ConfigSnapshot(0, Map.of(), Map.of(), Map.of());
  }

  public @Nullable ClientKey keyByHash(byte[] sha256) {
    return keysByHash.get(HexFormat.of().formatHex(sha256));
  }

  public @Nullable ModelConfig model(String name) {
    return models.get(name);
  }
}
