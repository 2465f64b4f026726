package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.model.Failover;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The part of the database that Envoy config is made from, read in one transaction.
 *
 * @param revision the config revision the rows belong to; it becomes the snapshot version
 * @param fleets every fleet, sorted by name
 * @param providers every provider, sorted by name
 * @param models every model with its targets and failover settings, sorted by name
 * @param cooldowns targets whose provider asked, with {@code retry-after}, to be left alone, to
 *     when that ends (by the database's clock; only those still running when read): their endpoints
 *     are published DEGRADED
 */
public record XdsState(
    long revision,
    List<Fleet> fleets,
    List<Provider> providers,
    List<Model> models,
    SortedMap<String, Instant> cooldowns) {

  public XdsState {
    requireNonNull(fleets, "fleets");
    requireNonNull(providers, "providers");
    requireNonNull(models, "models");
    requireNonNull(cooldowns, "cooldowns");
    // Sorted here so that assembly never depends on the order rows came back in.
    fleets = fleets.stream().sorted(Comparator.comparing(Fleet::name)).toList();
    providers = providers.stream().sorted(Comparator.comparing(Provider::name)).toList();
    models = models.stream().sorted(Comparator.comparing(Model::name)).toList();
    cooldowns = Collections.unmodifiableSortedMap(new TreeMap<>(cooldowns));
  }

  /**
   * State without cooldowns: what the last good file keeps (a cooldown is minutes long at most and
   * not configuration).
   */
  public XdsState(long revision, List<Fleet> fleets, List<Provider> providers, List<Model> models) {
    this(revision, fleets, providers, models, new TreeMap<>());
  }

  /** The same state with {@code cooldowns} (target id to the end of its cooldown). */
  public XdsState withCooldowns(Map<String, Instant> cooldowns) {
    return new XdsState(revision, fleets, providers, models, new TreeMap<>(cooldowns));
  }

  /** State without models (provider routes only). */
  public XdsState(long revision, List<Fleet> fleets, List<Provider> providers) {
    this(revision, fleets, providers, List.of());
  }

  /**
   * A public model name, its failover settings and its targets in stored order.
   *
   * @param failover the route's retry policy comes from it
   */
  public record Model(String name, Failover failover, List<Target> targets) {
    public Model {
      requireNonNull(name, "name");
      requireNonNull(failover, "failover");
      targets = List.copyOf(targets);
    }
  }

  /**
   * One target of a model.
   *
   * @param id stable id of the target (its database row id): endpoint metadata and transport socket
   *     match key
   * @param provider the provider's name
   * @param priority 0 is the first choice (Envoy's priority levels)
   */
  public record Target(String id, String provider, String upstreamModel, int weight, int priority) {
    public Target {
      requireNonNull(id, "id");
      requireNonNull(provider, "provider");
      requireNonNull(upstreamModel, "upstreamModel");
    }
  }

  /** A named group of Envoys and the port their listener binds. */
  public record Fleet(String name, int listenerPort) {
    public Fleet {
      requireNonNull(name, "name");
      if (listenerPort < 1 || listenerPort > 65535) {
        throw new IllegalArgumentException(
            "listenerPort: " + listenerPort + " (expected: 1..65535)");
      }
    }
  }

  /**
   * An upstream LLM provider as far as Envoy needs to know it; credentials are deliberately not
   * part of it.
   *
   * @param schema the stored schema name ({@code openai}, {@code anthropic}, ...)
   * @param baseUrl {@code scheme://host[:port][/path-prefix]}
   * @param caBundle PEM certificates that alone are trusted for this provider's https endpoint
   *     (private CA), or null for the fleet's trusted CA file
   */
  public record Provider(String name, String schema, String baseUrl, @Nullable String caBundle) {
    public Provider {
      requireNonNull(name, "name");
      requireNonNull(schema, "schema");
      requireNonNull(baseUrl, "baseUrl");
    }

    /** A provider trusted through the fleet's CA file. */
    public Provider(String name, String schema, String baseUrl) {
      this(name, schema, baseUrl, null);
    }
  }
}
