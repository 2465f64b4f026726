package dev.aigateway.proxy.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One upstream host and port, resolved at connect time (STRICT_DNS and LOGICAL_DNS alike).
 *
 * @param priority the priority level of its LocalityLbEndpoints (0 first)
 * @param weight its load_balancing_weight within the level (default 1)
 * @param hostname the endpoint's hostname, which {@code auto_host_rewrite} sends as the host
 * @param metadata its filter_metadata, string values only (namespace to key to value)
 * @param tls the transport socket its {@code transport_socket_matches} entry selected, or null for
 *     the cluster's own
 * @param health its {@code health_status} (UNKNOWN and HEALTHY are both healthy)
 */
public record Endpoint(
    String host,
    int port,
    int priority,
    int weight,
    @Nullable String hostname,
    Map<String, Map<String, String>> metadata,
    @Nullable EndpointTls tls,
    HostHealth health) {

  public Endpoint {
    metadata = Map.copyOf(metadata);
    requireNonNull(health, "health");
  }

  public Endpoint(String host, int port) {
    this(host, port, 0, 1, null, Map.of(), null, HostHealth.HEALTHY);
  }

  /** The same endpoint with another transport socket. */
  public Endpoint withTls(@Nullable EndpointTls chosen) {
    return new Endpoint(host, port, priority, weight, hostname, metadata, chosen, health);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
