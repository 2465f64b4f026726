package dev.aigateway.proxy;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** An in-process java-control-plane ADS server on an ephemeral port, recording requests. */
final class XdsTestServer implements AutoCloseable {

  final SimpleCache<String> cache =
      new SimpleCache<>(
          new NodeGroup<String>() {
            @Override
            public String hash(Node node) {
              return node.getCluster();
            }
          });
  final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final Server server;

  XdsTestServer() throws IOException {
    DiscoveryServerCallbacks callbacks =
        new DiscoveryServerCallbacks() {
          @Override
          public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
            requests.add(request);
          }

          @Override
          public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}
        };
    V3DiscoveryServer ds = new V3DiscoveryServer(callbacks, cache);
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(ds.getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  void set(String fleet, Snapshot snapshot) {
    cache.setSnapshot(fleet, snapshot);
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
