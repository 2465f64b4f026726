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
 * share of healthy (not ejected, not DEGRADED or UNHEALTHY by {@code health_status}) hosts times
 * the overprovisioning factor 1.4, capped at 100, and its degraded availability the same for
 * DEGRADED hosts; levels take load in order up to their health, then what remains goes to degraded
 * hosts in the same order, normalised when the total is below 100. So a level whose only host is
 * ejected or DEGRADED spills all of its traffic to a healthy next one, and a DEGRADED host still
 * serves when nothing healthy is left. Within a level, hosts are chosen by weight among healthy (or
 * degraded) ones; among all of them when the levels together cannot take all the load and fewer
 * than 50 % of the level's hosts are healthy or degraded (healthy_panic_threshold,
 * recalculatePerPriorityPanic). Levels excluded by {@code previous_priorities} have health 0; when
 * every level is excluded, none is (previous_priorities.cc). Ejection ends after its time; Envoy
 * checks that on each {@code interval} tick, so a host returns there up to one interval later than
 * here. Outlier state belongs to one endpoint of one cluster, not to an address.
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
    int n = order.size();
    double[] healthy = new double[n];
    double[] degraded = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (excluded.contains(order.get(i))) {
        continue;
      }
      List<Endpoint> hosts = levels.get(order.get(i));
      healthy[i] = availability(usable(cluster, hosts, HostHealth.HEALTHY).size(), hosts.size());
      degraded[i] = availability(usable(cluster, hosts, HostHealth.DEGRADED).size(), hosts.size());
      total += healthy[i] + degraded[i];
    }
    double available = Math.min(100.0, total);
    int level = -1;
    boolean fromDegraded = false;
    if (available > 0) {
      // Loads over a total normalised to 100: first to the levels' healthy hosts in order, each
      // up to its healthy availability; what remains to their degraded hosts the same way.
      double scale = 100.0 / available;
      double remaining = 100.0;
      double point = random.applyAsInt(10_000) / 100.0;
      for (int pass = 0; pass < 2 && level < 0; pass++) {
        double[] availability = pass == 0 ? healthy : degraded;
        for (int i = 0; i < n; i++) {
          double load = Math.min(remaining, availability[i] * scale);
          remaining -= load;
          if (load > 0 && point < load) {
            level = i;
            fromDegraded = pass == 1;
            break;
          }
          point -= load;
        }
      }
      if (level < 0) {
        // Rounding: Envoy gives the rest to the first level with healthy, else degraded, hosts.
        level = firstPositive(healthy);
        if (level < 0) {
          level = firstPositive(degraded);
          fromDegraded = true;
        }
      }
    } else {
      // No healthy or degraded host anywhere: Envoy panics on the first level not excluded.
      for (int i = 0; i < n && level < 0; i++) {
        if (!excluded.contains(order.get(i))) {
          level = i;
        }
      }
      level = Math.max(0, level);
    }
    List<Endpoint> hosts = levels.get(order.get(level));
    List<Endpoint> healthyHosts = usable(cluster, hosts, HostHealth.HEALTHY);
    List<Endpoint> degradedHosts = usable(cluster, hosts, HostHealth.DEGRADED);
    // A level is in panic only when the levels together cannot take all the load
    // (recalculatePerPriorityPanic) and under half of its hosts are healthy or degraded.
    boolean panic =
        available < 100.0
            && healthyHosts.size() + degradedHosts.size() < hosts.size() * PANIC_THRESHOLD;
    List<Endpoint> pool = fromDegraded ? degradedHosts : healthyHosts;
    if (panic || pool.isEmpty()) {
      pool = hosts;
    }
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

  /** Hosts of a level in {@code health} and not ejected. */
  private List<Endpoint> usable(ClusterSpec cluster, List<Endpoint> hosts, HostHealth health) {
    return hosts.stream().filter(e -> e.health() == health && !ejected(cluster, e)).toList();
  }

  /** Share of a level's hosts times the overprovisioning factor, capped at 100. */
  private static double availability(int count, int hosts) {
    return Math.min(100.0, 100.0 * OVERPROVISIONING * count / hosts);
  }

  private static int firstPositive(double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] > 0) {
        return i;
      }
    }
    return -1;
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
