package dev.aigateway.controlplane.xds;

import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An incremental (delta) ADS client that behaves like Envoy: wildcard CDS and LDS, RDS for named
 * route configs, an ACK ({@code response_nonce}) or NACK (+ {@code error_detail}) per response, and
 * {@code initial_resource_versions} when reconnecting.
 */
final class DeltaAdsClient implements AutoCloseable {
  private final StreamObserver<DeltaDiscoveryRequest> requests;
  private final Map<String, Map<String, Resource>> resources = new HashMap<>();
  private final Map<String, String> systemVersions = new HashMap<>();
  private volatile Predicate<DeltaDiscoveryResponse> reject = r -> false;
  private boolean sentNode;
  private final Node node;
  private @Nullable Throwable error;

  DeltaAdsClient(ManagedChannel channel, String nodeId, String fleet, String routeConfig) {
    this.node = Node.newBuilder().setId(nodeId).setCluster(fleet).build();
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .deltaAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DeltaDiscoveryResponse response) {
                    receive(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    synchronized (DeltaAdsClient.this) {
                      error = t;
                      DeltaAdsClient.this.notifyAll();
                    }
                  }

                  @Override
                  public void onCompleted() {}
                });
    send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(AdsClient.CDS));
    send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(AdsClient.LDS));
    send(
        DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(AdsClient.RDS)
            .addResourceNamesSubscribe(routeConfig));
  }

  void rejectWhen(Predicate<DeltaDiscoveryResponse> reject) {
    this.reject = reject;
  }

  private synchronized void send(DeltaDiscoveryRequest.Builder request) {
    if (!sentNode) {
      request.setNode(node);
      sentNode = true;
    }
    requests.onNext(request.build());
  }

  private synchronized void receive(DeltaDiscoveryResponse response) {
    String type = response.getTypeUrl();
    if (reject.test(response)) {
      send(
          DeltaDiscoveryRequest.newBuilder()
              .setTypeUrl(type)
              .setResponseNonce(response.getNonce())
              .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected by test")));
    } else {
      Map<String, Resource> current = resources.computeIfAbsent(type, t -> new TreeMap<>());
      for (Resource resource : response.getResourcesList()) {
        current.put(resource.getName(), resource);
      }
      response.getRemovedResourcesList().forEach(current::remove);
      systemVersions.put(type, response.getSystemVersionInfo());
      send(
          DeltaDiscoveryRequest.newBuilder()
              .setTypeUrl(type)
              .setResponseNonce(response.getNonce()));
    }
    notifyAll();
  }

  /** Waits until the named resource of the type is present and satisfies {@code condition}. */
  synchronized Resource await(String type, String name, Predicate<Any> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (error != null) {
        throw new IllegalStateException("delta ADS stream failed", error);
      }
      Resource resource = resources.getOrDefault(type, Map.of()).get(name);
      if (resource != null && condition.test(resource.getResource())) {
        return resource;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "no "
                + name
                + " matching the condition within "
                + timeout
                + "; have "
                + resources.keySet());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  synchronized Map<String, Resource> resources(String type) {
    return Map.copyOf(resources.getOrDefault(type, Map.of()));
  }

  synchronized @Nullable String systemVersion(String type) {
    return systemVersions.get(type);
  }

  @Override
  public void close() {
    try {
      requests.onCompleted();
    } catch (RuntimeException ignored) {
      // the stream may already be gone
    }
  }
}
