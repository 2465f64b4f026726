package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.extproc.ExtProcSpec;
import dev.aigateway.proxy.router.RouteTable;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A listener with its HttpConnectionManager as the proxy applies it.
 *
 * @param routeConfigName the RDS name, or null when routes are inline
 * @param inlineRoutes inline route_config, or null with RDS
 * @param extProc the ext_proc filter before the router, or null if there is none
 * @param requestTimeout HCM request_timeout, zero when off
 * @param downstream the HCM's and router's own header handling and stream idle timer
 * @param requestHeadersTimeout HCM request_headers_timeout, zero when off
 * @param maxConnections the connection_limit network filter's max_connections, zero when none
 */
public record ListenerSpec(
    String name,
    String address,
    int port,
    @Nullable String routeConfigName,
    @Nullable RouteTable inlineRoutes,
    @Nullable ExtProcSpec extProc,
    long bufferLimitBytes,
    Duration requestTimeout,
    Duration idleTimeout,
    boolean generateRequestId,
    DownstreamPolicy downstream,
    Duration requestHeadersTimeout,
    long maxConnections) {

  /** A listener without slow-client timers or a connection cap. */
  public ListenerSpec(
      String name,
      String address,
      int port,
      @Nullable String routeConfigName,
      @Nullable RouteTable inlineRoutes,
      @Nullable ExtProcSpec extProc,
      long bufferLimitBytes,
      Duration requestTimeout,
      Duration idleTimeout,
      boolean generateRequestId,
      DownstreamPolicy downstream) {
    this(
        name,
        address,
        port,
        routeConfigName,
        inlineRoutes,
        extProc,
        bufferLimitBytes,
        requestTimeout,
        idleTimeout,
        generateRequestId,
        downstream,
        Duration.ZERO,
        0);
  }
}
