package dev.aigateway.proxy.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's host choice for clusters with priority levels, and its outlier detection.
 *
 * <p>Priority load (load_balancer_impl.cc recalculatePerPriorityState): a level's health is its
 * share of healthy (not ejected) hosts times the overprovisioning factor 1.4, capped at 100; levels
 * take load in order up to their health, normalised when the total is below 100, so a level whose
 * only host is ejected spills all of its traffic to the next one. Within a level, hosts are chosen
 * by weight among healthy ones; when fewer than 50 % are healthy (healthy_panic_threshold) among
 * all of them. Levels excluded by {@code previous_priorities} have health 0; when every level is
 * excluded, none is (previous_priorities.cc). Ejection ends after its time; Envoy checks that on
 * each {@code interval} tick, so a host returns there up to one interval later than here. Outlier
 * state belongs to one endpoint of one cluster, not to an address.
 */
public final class LoadBalancer {
  private static final double OVERPROVISIONING = 1.4;
  private static final double PANIC_THRESHOLD = 0.5;

  /** What an attempt at a host came to, for outlier detection. */
  public enum Result {
    /** Any answer below 500. */
    SUCCESS,
    /** 500, 501 and 505+. */
    SERVER_ERROR,
    /** 502, 503, 504, or no answer (connect failure, reset, timeout). */
    GATEWAY_FAILURE
  }

  private static final class HostState {
    int consecutive5xx;
    int consecutiveGateway;
    int ejections;
    long ejectedUntil;
  }

  /**
   * A host as Envoy sees it: each LbEndpoint of a cluster is its own host with its own outlier
   * state, even when two of them (two targets of one model on one provider) share an address.
   */
  private record HostKey(String cluster, Endpoint endpoint) {}

  private final Map<HostKey, HostState> states = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public LoadBalancer(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** True while the host is ejected. */
  public boolean ejected(ClusterSpec cluster, Endpoint e) {
    HostState s = states.get(key(cluster, e));
    return s != null && s.ejectedUntil > nanoTime.getAsLong();
  }

  /**
   * Chooses a host, or null when the cluster has none.
   *
   * @param excludedPriorities levels already attempted (previous_priorities)
   * @param previousHosts hosts already attempted (previous_hosts): another is picked up to {@code
   *     selectionAttempts} times
   */
  public @Nullable Endpoint choose(
      ClusterSpec cluster,
      Set<Integer> excludedPriorities,
      Set<Endpoint> previousHosts,
      int selectionAttempts,
      IntUnaryOperator random) {
    if (cluster.endpoints().isEmpty()) {
      return null;
    }
    TreeMap<Integer, List<Endpoint>> levels = new TreeMap<>();
    for (Endpoint e : cluster.endpoints()) {
      levels.computeIfAbsent(e.priority(), k -> new ArrayList<>()).add(e);
    }
    Set<Integer> excluded =
        excludedPriorities.containsAll(levels.keySet()) ? Set.of() : excludedPriorities;
    Endpoint chosen = null;
    for (int i = 0; i <= Math.max(0, selectionAttempts); i++) {
      chosen = pick(cluster, levels, excluded, random);
      if (!previousHosts.contains(chosen)) {
        return chosen;
      }
    }
    return chosen;
  }

  private Endpoint pick(
      ClusterSpec cluster,
      TreeMap<Integer, List<Endpoint>> levels,
      Set<Integer> excluded,
      IntUnaryOperator random) {
    List<Integer> order = new ArrayList<>(levels.keySet());
    double[] health = new double[order.size()];
    double total = 0;
    for (int i = 0; i < order.size(); i++) {
      if (excluded.contains(order.get(i))) {
        continue;
      }
      List<Endpoint> hosts = levels.get(order.get(i));
      long healthy = hosts.stream().filter(e -> !ejected(cluster, e)).count();
      health[i] = Math.min(100.0, 100.0 * OVERPROVISIONING * healthy / hosts.size());
      total += health[i];
    }
    int level = 0;
    if (total > 0) {
      // Loads in order, each up to its health, over a total normalised to 100.
      double scale = 100.0 / Math.min(100.0, total);
      double remaining = 100.0;
      double point = random.applyAsInt(10_000) / 100.0;
      for (int i = 0; i < order.size(); i++) {
        double load = Math.min(remaining, health[i] * scale);
        remaining -= load;
        if (point < load) {
          level = i;
          break;
        }
        point -= load;
        level = i;
      }
    } else {
      // No healthy host anywhere: Envoy panics on the first level not excluded.
      for (int i = 0; i < order.size(); i++) {
        if (!excluded.contains(order.get(i))) {
          level = i;
          break;
        }
      }
    }
    List<Endpoint> hosts = levels.get(order.get(level));
    List<Endpoint> healthy = hosts.stream().filter(e -> !ejected(cluster, e)).toList();
    List<Endpoint> pool = healthy.size() < hosts.size() * PANIC_THRESHOLD ? hosts : healthy;
    int totalWeight = pool.stream().mapToInt(Endpoint::weight).sum();
    int point = random.applyAsInt(Math.max(1, totalWeight));
    for (Endpoint e : pool) {
      point -= e.weight();
      if (point < 0) {
        return e;
      }
    }
    return pool.getLast();
  }

  /** Records an attempt's result; may eject the host (outlier_detection). */
  public void record(ClusterSpec cluster, Endpoint e, Result result) {
    OutlierSpec spec = cluster.outlier();
    if (spec == null) {
      return;
    }
    HostState s = states.computeIfAbsent(key(cluster, e), k -> new HostState());
    synchronized (s) {
      switch (result) {
        case SUCCESS -> {
          s.consecutive5xx = 0;
          s.consecutiveGateway = 0;
        }
        case SERVER_ERROR -> {
          s.consecutive5xx++;
          s.consecutiveGateway = 0;
        }
        case GATEWAY_FAILURE -> {
          s.consecutive5xx++;
          s.consecutiveGateway++;
        }
      }
      boolean trip =
          (spec.consecutive5xx() > 0 && s.consecutive5xx >= spec.consecutive5xx())
              || (spec.consecutiveGatewayFailure() > 0
                  && s.consecutiveGateway >= spec.consecutiveGatewayFailure());
      long now = nanoTime.getAsLong();
      if (trip && s.ejectedUntil <= now && mayEject(cluster, spec)) {
        s.ejections++;
        long base = spec.baseEjectionTime().toNanos();
        long cap = Math.max(base, spec.maxEjectionTime().toNanos());
        s.ejectedUntil = now + Math.min(cap, base * s.ejections);
        s.consecutive5xx = 0;
        s.consecutiveGateway = 0;
      }
    }
  }

  /** max_ejection_percent, with Envoy's "at least one host" rule. */
  private boolean mayEject(ClusterSpec cluster, OutlierSpec spec) {
    long ejectedNow = cluster.endpoints().stream().filter(x -> ejected(cluster, x)).count();
    int hosts = cluster.endpoints().size();
    return ejectedNow == 0 || (ejectedNow + 1) * 100 <= (long) hosts * spec.maxEjectionPercent();
  }

  private static HostKey key(ClusterSpec cluster, Endpoint e) {
    return new HostKey(cluster.name(), e);
  }
}
