package dev.aigateway.proxy;

import dev.aigateway.proxy.cluster.UpstreamClient;
import dev.aigateway.proxy.extproc.ExtProcChannels;
import dev.aigateway.proxy.listener.ListenerManager;
import dev.aigateway.proxy.listener.ListenerRuntime;
import dev.aigateway.proxy.listener.ProxyServices;
import dev.aigateway.proxy.xds.XdsConfigSource;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.InsecureChannelCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Envoy stand-in: configured only over xDS (ADS) as a node of a fleet, it serves HTTP/1.1,
 * runs the ext_proc filter as Envoy does and forwards to upstream clusters.
 */
public final class EmbeddedProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedProxy.class);

  private final ProxySettings settings;
  private final ProxyEventLoops group;
  private final boolean ownsGroup;
  private final ProxyServices services;
  private final ListenerManager listeners;
  private final XdsConfigSource xds;
  private volatile boolean closed;

  private EmbeddedProxy(
      ProxySettings settings, @Nullable ProxyEventLoops loops, @Nullable TlsFiles xdsTls) {
    this.settings = settings;
    this.ownsGroup = loops == null;
    this.group = loops != null ? loops : new ProxyEventLoops(0);
    this.services =
        new ProxyServices(
            new UpstreamClient(settings.trustManager()),
            new ExtProcChannels(settings.trustManager(), group),
            settings.meterRegistry());
    this.listeners =
        new ListenerManager(group, services, settings.bindAddress(), settings.listenerPort());
    Node node =
        Node.newBuilder()
            .setId(settings.nodeId())
            .setCluster(settings.nodeCluster())
            .setUserAgentName("ai-gateway-embedded-proxy")
            .build();
    this.xds =
        new XdsConfigSource(
            settings.xdsHost(),
            settings.xdsPort(),
            xdsTls == null ? InsecureChannelCredentials.create() : xdsTls.channelCredentials(),
            node,
            listeners);
  }

  /** Starts the proxy; it connects to the control plane and binds listeners as config arrives. */
  public static EmbeddedProxy start(ProxySettings settings) {
    return start(settings, null);
  }

  /**
   * Starts the proxy on the given event loops (null: its own), which the caller shuts down after
   * {@link #close()}; a process that also runs the ext_proc server can serve it on the same loops.
   */
  public static EmbeddedProxy start(ProxySettings settings, @Nullable ProxyEventLoops loops) {
    return start(settings, loops, null);
  }

  /**
   * Like {@link #start(ProxySettings, ProxyEventLoops)}, connecting to xDS with mutual TLS from
   * {@code xdsTls} (null: plaintext), as an Envoy bootstrap's xDS cluster with a TLS transport
   * socket does.
   */
  public static EmbeddedProxy start(
      ProxySettings settings, @Nullable ProxyEventLoops loops, @Nullable TlsFiles xdsTls) {
    EmbeddedProxy p = new EmbeddedProxy(settings, loops, xdsTls);
    p.xds.start();
    log.info(
        "embedded proxy node {} (fleet {}, {} transport) subscribing to xDS at {}:{}",
        settings.nodeId(),
        settings.nodeCluster(),
        NettyTransport.name(),
        settings.xdsHost(),
        settings.xdsPort());
    return p;
  }

  /**
   * Waits until a listener is in service with its routes, and returns its bound port.
   *
   * @throws TimeoutException if no listener is ready in time
   */
  public int awaitListener(Duration timeout) throws InterruptedException, TimeoutException {
    int port = listeners.awaitWarm(timeout.toMillis());
    if (port < 0) {
      throw new TimeoutException("no listener ready after " + timeout);
    }
    return port;
  }

  /** Bound port of each listener, by listener name. */
  public Map<String, Integer> listenerPorts() {
    return listeners.ports();
  }

  /** Last ACKed version per xDS type URL. */
  public Map<String, String> ackedVersions() {
    return xds.ackedVersions();
  }

  /** Stops accepting, lets requests in flight finish (bounded by the drain timeout), stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    xds.close();
    List<ListenerRuntime> runtimes = listeners.stopAll();
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (System.nanoTime() < deadline && runtimes.stream().anyMatch(r -> r.inFlight() > 0)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    services.upstream().closeIdle();
    // ext_proc channels run on the group's event loops: close them while the loops still run.
    services.extProc().close();
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
