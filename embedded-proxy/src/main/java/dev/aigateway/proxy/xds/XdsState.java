package dev.aigateway.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.cluster.Endpoint;
import dev.aigateway.proxy.listener.ListenerSpec;
import dev.aigateway.proxy.router.RouteTable;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The accepted xDS resources (last good config per type). An update is validated whole and either
 * replaces the previous set (SotW) or is rejected, leaving the previous one in place. Confined to
 * the ADS client's thread.
 */
final class XdsState {

  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  private Map<String, ClusterSpec> clusters = Map.of();
  private final Map<String, List<Endpoint>> endpoints = new HashMap<>();
  private Map<String, ListenerSpec> listeners = Map.of();
  private final Map<String, RouteTable> routes = new HashMap<>();

  /** A copy to restore when an accepted update cannot be put in service. */
  record Saved(
      Map<String, ClusterSpec> clusters,
      Map<String, List<Endpoint>> endpoints,
      Map<String, ListenerSpec> listeners,
      Map<String, RouteTable> routes) {}

  Saved save() {
    return new Saved(clusters, new HashMap<>(endpoints), listeners, new HashMap<>(routes));
  }

  void restore(Saved s) {
    clusters = s.clusters();
    endpoints.clear();
    endpoints.putAll(s.endpoints());
    listeners = s.listeners();
    routes.clear();
    routes.putAll(s.routes());
  }

  void applyClusters(List<Any> resources) throws InvalidResourceException {
    Map<String, ClusterSpec> next = new LinkedHashMap<>();
    for (Any any : resources) {
      ClusterSpec c = ClusterTranslator.cluster(unpack(any, Cluster.class));
      if (next.put(c.name(), c) != null) {
        throw new InvalidResourceException("duplicate cluster " + c.name());
      }
    }
    clusters = next;
  }

  void applyEndpoints(List<Any> resources) throws InvalidResourceException {
    Map<String, List<Endpoint>> next = new HashMap<>();
    for (Any any : resources) {
      ClusterLoadAssignment cla = unpack(any, ClusterLoadAssignment.class);
      next.put(cla.getClusterName(), ClusterTranslator.endpoints(cla, cla.getClusterName()));
    }
    endpoints.putAll(next);
  }

  void applyListeners(List<Any> resources) throws InvalidResourceException {
    Map<String, ListenerSpec> next = new LinkedHashMap<>();
    for (Any any : resources) {
      ListenerSpec l = ListenerTranslator.listener(unpack(any, Listener.class));
      if (next.put(l.name(), l) != null) {
        throw new InvalidResourceException("duplicate listener " + l.name());
      }
    }
    listeners = next;
  }

  void applyRoutes(List<Any> resources) throws InvalidResourceException {
    Map<String, RouteTable> next = new HashMap<>();
    for (Any any : resources) {
      RouteTable t = RouteTranslator.routes(unpack(any, RouteConfiguration.class));
      next.put(t.name(), t);
    }
    routes.putAll(next);
  }

  /** EDS service names the current clusters need. */
  Set<String> edsNames() {
    Set<String> names = new TreeSet<>();
    for (ClusterSpec c : clusters.values()) {
      if (c.edsServiceName() != null) {
        names.add(c.edsServiceName());
      }
    }
    return names;
  }

  /** RDS names the current listeners need. */
  Set<String> rdsNames() {
    Set<String> names = new TreeSet<>();
    for (ListenerSpec l : listeners.values()) {
      if (l.routeConfigName() != null) {
        names.add(l.routeConfigName());
      }
    }
    return names;
  }

  /** Clusters ready to use: static and DNS ones, and EDS ones whose endpoints arrived. */
  Map<String, ClusterSpec> warmClusters() {
    Map<String, ClusterSpec> out = new HashMap<>();
    for (ClusterSpec c : clusters.values()) {
      if (c.edsServiceName() == null) {
        out.put(c.name(), c);
      } else {
        List<Endpoint> eps = endpoints.get(c.edsServiceName());
        if (eps != null) {
          out.put(c.name(), c.withEndpoints(eps));
        }
      }
    }
    return Map.copyOf(out);
  }

  Map<String, ListenerSpec> listeners() {
    return listeners;
  }

  /** The route table of a listener, or null while its RDS resource has not arrived. */
  @Nullable RouteTable routesOf(ListenerSpec l) {
    return l.inlineRoutes() != null ? l.inlineRoutes() : routes.get(l.routeConfigName());
  }

  private static <T extends Message> T unpack(Any any, Class<T> type)
      throws InvalidResourceException {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidResourceException("cannot decode " + type.getSimpleName());
    }
  }
}
