package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A provider as the data plane needs it.
 *
 * @param schema null when the stored schema is unknown to this build (requests to it fail cleanly)
 * @param schemaName the schema as stored
 * @param pathPrefix the path part of the base URL (may be empty), prepended to every upstream path
 * @param settings schema-specific settings, string values only
 */
public record ProviderConfig(
    UUID id,
    String name,
    @Nullable ProviderSchema schema,
    String schemaName,
    String baseUrl,
    String pathPrefix,
    Map<String, String> settings,
    List<UpstreamCredential> credentials) {

  public ProviderConfig {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(schemaName, "schemaName");
    requireNonNull(baseUrl, "baseUrl");
    requireNonNull(pathPrefix, "pathPrefix");
    settings = Map.copyOf(settings);
    credentials = List.copyOf(credentials);
  }

  /** A setting, or {@code fallback} when it is absent or blank. */
  public String setting(String key, String fallback) {
    String value = settings.get(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** The path part of a base URL such as {@code https://host:8443/prefix} (empty if none). */
  public static String pathPrefixOf(String baseUrl) {
    int scheme = baseUrl.indexOf("://");
    int slash = baseUrl.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    if (slash < 0) {
      return "";
    }
    String path = baseUrl.substring(slash);
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
