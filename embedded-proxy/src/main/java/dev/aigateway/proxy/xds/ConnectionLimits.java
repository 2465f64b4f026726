package dev.aigateway.proxy.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit;
import java.util.List;

/**
 * The {@code envoy.filters.network.connection_limit} network filter, accepted as the first filter
 * of a chain: the proxy enforces its {@code max_connections}; {@code delay} and {@code
 * runtime_enabled} are refused rather than silently ignored.
 */
final class ConnectionLimits {
  private static final String TYPE = "connection_limit.v3.ConnectionLimit";

  private ConnectionLimits() {}

  /** The chain's connection cap, 0 when it has no connection_limit filter. */
  static long maxConnections(FilterChain chain, String listener) throws InvalidResourceException {
    if (chain.getFiltersCount() == 0 || !isLimit(chain.getFilters(0))) {
      return 0;
    }
    ConnectionLimit limit;
    try {
      limit = chain.getFilters(0).getTypedConfig().unpack(ConnectionLimit.class);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidResourceException("listener " + listener + ": bad ConnectionLimit");
    }
    if (limit.hasDelay() || limit.hasRuntimeEnabled()) {
      throw new InvalidResourceException(
          "listener " + listener + ": connection_limit delay and runtime_enabled unsupported");
    }
    if (!limit.hasMaxConnections() || limit.getMaxConnections().getValue() < 1) {
      throw new InvalidResourceException(
          "listener " + listener + ": connection_limit needs max_connections >= 1");
    }
    return limit.getMaxConnections().getValue();
  }

  /** The chain's network filters after a leading connection_limit filter. */
  static List<Filter> withoutLimit(FilterChain chain) {
    List<Filter> filters = chain.getFiltersList();
    return !filters.isEmpty() && isLimit(filters.getFirst())
        ? filters.subList(1, filters.size())
        : filters;
  }

  private static boolean isLimit(Filter filter) {
    return filter.getTypedConfig().getTypeUrl().endsWith(TYPE);
  }
}
