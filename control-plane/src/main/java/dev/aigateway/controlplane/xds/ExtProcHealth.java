package dev.aigateway.controlplane.xds;

import static dev.aigateway.controlplane.xds.ClusterFactory.seconds;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

/**
 * Keeps the ext_proc connection healthy. Each Envoy worker multiplexes its ext_proc streams on one
 * HTTP/2 connection per host: a replica that vanished without a FIN would leave every new request
 * waiting for {@code message_timeout}. HTTP/2 PINGs find it (ai-gateway uses 30 s / 5 s), and
 * outlier detection sets a failing replica aside.
 */
final class ExtProcHealth {
  /** The data-plane filter's gRPC server permits pings this often (permitKeepAliveTime). */
  static final long KEEPALIVE_INTERVAL_SECONDS = 30;

  static final long KEEPALIVE_TIMEOUT_SECONDS = 5;

  private ExtProcHealth() {}

  static HttpProtocolOptions protocolOptions(Duration idleTimeout) {
    return HttpProtocolOptions.newBuilder()
        .setCommonHttpProtocolOptions(
            io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                .setIdleTimeout(idleTimeout))
        .setExplicitHttpConfig(
            HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                .setHttp2ProtocolOptions(
                    io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.newBuilder()
                        .setConnectionKeepalive(
                            KeepaliveSettings.newBuilder()
                                .setInterval(seconds(KEEPALIVE_INTERVAL_SECONDS))
                                .setTimeout(seconds(KEEPALIVE_TIMEOUT_SECONDS)))))
        .build();
  }

  /**
   * gRPC errors count as gateway failures (unavailable/reset), not as 5xx of the HTTP request; at
   * most half the replicas are ever ejected so one bad deploy cannot empty the cluster.
   * [outlier_detection.proto]
   */
  static OutlierDetection outlierDetection() {
    return OutlierDetection.newBuilder()
        .setConsecutiveGatewayFailure(UInt32Value.of(5))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
        .setInterval(seconds(10))
        .setBaseEjectionTime(seconds(30))
        .setMaxEjectionPercent(UInt32Value.of(50))
        .build();
  }
}
