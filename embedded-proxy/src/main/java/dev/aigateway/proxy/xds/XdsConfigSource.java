package dev.aigateway.proxy.xds;

import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.listener.ListenerManager;
import dev.aigateway.proxy.listener.ListenerSpec;
import dev.aigateway.proxy.listener.ListenerView;
import dev.aigateway.proxy.router.RouteTable;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Subscribes to the control plane over ADS and puts accepted config in service. */
public final class XdsConfigSource implements AutoCloseable {

  private final ManagedChannel channel;
  private final ScheduledExecutorService executor;
  private final AdsClient ads;
  private final XdsState state = new XdsState();
  private final ListenerManager listeners;

  public XdsConfigSource(
      String host, int port, ChannelCredentials credentials, Node node, ListenerManager listeners) {
    this.listeners = listeners;
    this.channel = Grpc.newChannelBuilderForAddress(host, port, credentials).build();
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "embedded-proxy-xds");
              t.setDaemon(true);
              return t;
            });
    this.ads = new AdsClient(channel, node, executor, state, this::publish);
  }

  public void start() {
    ads.start();
  }

  /** Last ACKed version per resource type URL. */
  public Map<String, String> ackedVersions() {
    return ads.ackedVersions();
  }

  private void publish() {
    Map<String, ClusterSpec> clusters = state.warmClusters();
    List<ListenerManager.Desired> wanted = new ArrayList<>();
    for (ListenerSpec l : state.listeners().values()) {
      RouteTable routes = state.routesOf(l);
      wanted.add(
          new ListenerManager.Desired(
              l, routes == null ? null : new ListenerView(l, routes, clusters)));
    }
    try {
      listeners.apply(wanted);
    } catch (ListenerManager.BindFailure e) {
      throw new AdsClient.ApplyFailure(e.getMessage());
    }
  }

  @Override
  public void close() {
    ads.close();
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.shutdownNow();
  }
}
