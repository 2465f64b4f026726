package dev.aigateway.proxy;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Settings of an {@link EmbeddedProxy}.
 *
 * @param xdsHost control plane host (ADS over plaintext gRPC)
 * @param nodeCluster the node's cluster, which is the fleet name
 * @param bindAddress address listeners bind to instead of the listener's own (null: use the
 *     listener's address)
 * @param listenerPort port override for listeners (null: the listener's port; 0: ephemeral)
 * @param trustManager upstream TLS trust (null: the JDK's default trust store)
 * @param drainTimeout how long {@link EmbeddedProxy#close()} waits for requests in flight
 */
public record ProxySettings(
    String xdsHost,
    int xdsPort,
    String nodeId,
    String nodeCluster,
    @Nullable String bindAddress,
    @Nullable Integer listenerPort,
    @Nullable MeterRegistry meterRegistry,
    @Nullable TrustManagerFactory trustManager,
    Duration drainTimeout) {

  public ProxySettings {
    requireNonNull(xdsHost, "xdsHost");
    requireNonNull(nodeId, "nodeId");
    requireNonNull(nodeCluster, "nodeCluster");
    requireNonNull(drainTimeout, "drainTimeout");
    if (xdsPort < 1 || xdsPort > 65535) {
      throw new IllegalArgumentException("xdsPort: " + xdsPort + " (expected: 1-65535)");
    }
    if (listenerPort != null && (listenerPort < 0 || listenerPort > 65535)) {
      throw new IllegalArgumentException("listenerPort: " + listenerPort + " (expected: 0-65535)");
    }
  }

  /** Defaults for one machine: bind 127.0.0.1, listener ports from xDS, 10 s drain. */
  public static ProxySettings of(String xdsHost, int xdsPort, String nodeId, String nodeCluster) {
    return new ProxySettings(
        xdsHost,
        xdsPort,
        nodeId,
        nodeCluster,
        "127.0.0.1",
        null,
        null,
        null,
        Duration.ofSeconds(10));
  }

  public ProxySettings withListenerPort(@Nullable Integer port) {
    return new ProxySettings(
        xdsHost,
        xdsPort,
        nodeId,
        nodeCluster,
        bindAddress,
        port,
        meterRegistry,
        trustManager,
        drainTimeout);
  }

  public ProxySettings withBindAddress(@Nullable String address) {
    return new ProxySettings(
        xdsHost,
        xdsPort,
        nodeId,
        nodeCluster,
        address,
        listenerPort,
        meterRegistry,
        trustManager,
        drainTimeout);
  }

  public ProxySettings withMeterRegistry(@Nullable MeterRegistry registry) {
    return new ProxySettings(
        xdsHost,
        xdsPort,
        nodeId,
        nodeCluster,
        bindAddress,
        listenerPort,
        registry,
        trustManager,
        drainTimeout);
  }

  public ProxySettings withTrustManager(@Nullable TrustManagerFactory trust) {
    return new ProxySettings(
        xdsHost,
        xdsPort,
        nodeId,
        nodeCluster,
        bindAddress,
        listenerPort,
        meterRegistry,
        trust,
        drainTimeout);
  }

  public ProxySettings withDrainTimeout(Duration timeout) {
    return new ProxySettings(
        xdsHost,
        xdsPort,
        nodeId,
        nodeCluster,
        bindAddress,
        listenerPort,
        meterRegistry,
        trustManager,
        timeout);
  }
}
