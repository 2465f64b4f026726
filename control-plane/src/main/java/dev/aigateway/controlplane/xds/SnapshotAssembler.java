package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.controlplane.cache.SnapshotConsistencyException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns database state into one consistent snapshot per fleet. Pure: the same state always gives
 * the same resources and versions, on every replica.
 */
public final class SnapshotAssembler {
  private static final Logger log = LoggerFactory.getLogger(SnapshotAssembler.class);

  private final ExtProcTarget extProc;
  private final EnvoyOptions options;
  private final Function<String, @Nullable String> addressProblem;

  public SnapshotAssembler(ExtProcTarget extProc) {
    this(extProc, EnvoyOptions.DEFAULTS);
  }

  public SnapshotAssembler(ExtProcTarget extProc, EnvoyOptions options) {
    this(extProc, options, baseUrl -> null);
  }

  /**
   * With a check of each provider's address at every build ({@link
   * dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy#neverAllowed}): a provider
   * whose host now resolves to a refused address is left out, so Envoy gets no cluster that would
   * send its credentials there. The snapshot is then only as pure as DNS.
   */
  public SnapshotAssembler(
      ExtProcTarget extProc,
      EnvoyOptions options,
      Function<String, @Nullable String> addressProblem) {
    this.extProc = requireNonNull(extProc, "extProc");
    this.options = requireNonNull(options, "options");
    this.addressProblem = requireNonNull(addressProblem, "addressProblem");
  }

  /**
   * One snapshot per fleet, keyed by fleet name in name order, each checked with {@code
   * ensureConsistent()}.
   *
   * @throws SnapshotConsistencyException when a snapshot refers to a resource it does not hold (a
   *     bug here, never bad data)
   */
  public Map<String, FleetSnapshot> assemble(XdsState state) throws SnapshotConsistencyException {
    List<XdsState.Provider> providers = new ArrayList<>();
    List<UpstreamEndpoint> endpoints = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (XdsState.Provider provider : state.providers()) {
      try {
        UpstreamEndpoint endpoint = UpstreamEndpoint.parse(provider.baseUrl());
        String problem = addressProblem.apply(provider.baseUrl());
        if (problem != null) {
          refused.add(provider.name());
          log.error(
              "provider {} left out of Envoy config: its base URL {} (checked again now)",
              provider.name(),
              problem);
          continue;
        }
        endpoints.add(endpoint);
        providers.add(provider);
      } catch (IllegalArgumentException e) {
        // The admin API validates base URLs; a bad row must not take every other provider down.
        log.warn("provider {} left out of Envoy config: {}", provider.name(), e.getMessage());
      }
    }
    List<Cluster> clusters = new ArrayList<>();
    clusters.add(ClusterFactory.extProc(extProc, options));
    for (int i = 0; i < providers.size(); i++) {
      clusters.add(ClusterFactory.provider(providers.get(i), endpoints.get(i), options));
    }
    Map<String, ModelClusterFactory.Resolved> targets = new java.util.HashMap<>();
    Map<String, Integer> providerIndex = new java.util.HashMap<>();
    for (int i = 0; i < providers.size(); i++) {
      providerIndex.put(providers.get(i).name(), i);
    }
    for (XdsState.Model model : state.models()) {
      for (XdsState.Target t : model.targets()) {
        Integer i = providerIndex.get(t.provider());
        if (i != null) {
          targets.put(
              t.id(), new ModelClusterFactory.Resolved(t, providers.get(i), endpoints.get(i)));
        }
      }
    }
    // Targets in a cooldown, among those that have an endpoint.
    Set<String> cooling = new TreeSet<>(state.cooldowns().keySet());
    cooling.retainAll(targets.keySet());
    List<XdsState.Model> routed = new ArrayList<>();
    for (XdsState.Model model : state.models()) {
      Cluster cluster = ModelClusterFactory.cluster(model, targets, cooling, options);
      if (cluster != null) {
        clusters.add(cluster);
        routed.add(model);
      }
    }
    clusters.sort(java.util.Comparator.comparing(Cluster::getName));
    // A refusal changes the config without a new revision: the version must change with it, or
    // Envoys that hold this revision would never be sent the config without the provider.
    String version =
        refused.isEmpty()
            ? Long.toString(state.revision())
            : state.revision() + "-refused-" + Integer.toHexString(refused.hashCode());
    // Cooldowns too (they have no revision of their own): the same set gives the same version on
    // every replica, and the revision stays its first part.
    if (!cooling.isEmpty()) {
      version += "-cooldown-" + Integer.toHexString(String.join(",", cooling).hashCode());
    }
    Map<String, FleetSnapshot> snapshots = new LinkedHashMap<>();
    for (XdsState.Fleet fleet : state.fleets()) {
      FleetSnapshot snapshot =
          new FleetSnapshot(
              version,
              clusters,
              List.of(ListenerFactory.listener(fleet, options)),
              List.of(RouteFactory.routes(fleet, providers, endpoints, routed, options)));
      snapshot.ensureConsistent();
      snapshots.put(fleet.name(), snapshot);
    }
    return snapshots;
  }
}
