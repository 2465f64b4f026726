package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.quota.QuotaConfig;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, consistent view of everything the data plane reads from the database: keys, models,
 * providers, quota rules and prices, all of one config revision (loaded in one read and swapped as
 * one value, so a request never sees quotas of revision N with keys of N+1).
 *
 * @param revision the config revision it was loaded at (0 when nothing could be loaded yet)
 * @param keysByHash client keys by the lower-case hex of their {@code KeyHash}
 * @param quotas the quota rules and model prices of the same revision
 */
public record ConfigSnapshot(
    long revision,
    Map<String, ProviderConfig> providers,
    Map<String, ModelConfig> models,
    Map<String, ClientKey> keysByHash,
    QuotaConfig quotas) {

  public ConfigSnapshot {
    providers = Map.copyOf(providers);
    models = Map.copyOf(models);
    keysByHash = Map.copyOf(keysByHash);
    requireNonNull(quotas, "quotas");
    if (quotas.revision() != revision) {
      throw new IllegalArgumentException(
          "quotas.revision: " + quotas.revision() + " (expected: " + revision + ")");
    }
  }

  /** A snapshot without quotas or prices (tests and tools that do not limit usage). */
  public ConfigSnapshot(
      long revision,
      Map<String, ProviderConfig> providers,
      Map<String, ModelConfig> models,
      Map<String, ClientKey> keysByHash) {
    this(revision, providers, models, keysByHash, new QuotaConfig(revision, List.of(), Map.of()));
  }

  /** Nothing loaded: every request is refused until the database answers. */
  public static ConfigSnapshot empty() {
    return new ConfigSnapshot(0, Map.of(), Map.of(), Map.of(), QuotaConfig.EMPTY);
  }

  public @Nullable ClientKey keyByHash(byte[] keyHash) {
    return keysByHash.get(HexFormat.of().formatHex(keyHash));
  }

  public @Nullable ModelConfig model(String name) {
    return models.get(name);
  }

  /**
   * The ids of the targets of the provider named {@code provider}: of the model {@code model}, or
   * of every model when it is null.
   */
  public List<String> targetIds(String provider, @Nullable String model) {
    List<String> ids = new java.util.ArrayList<>();
    for (ModelConfig m : models.values()) {
      if (model != null && !model.equals(m.name())) {
        continue;
      }
      for (ModelTarget t : m.targets()) {
        if (t.id() != null && t.provider().name().equals(provider) && !ids.contains(t.id())) {
          ids.add(t.id());
        }
      }
    }
    return ids;
  }
}
