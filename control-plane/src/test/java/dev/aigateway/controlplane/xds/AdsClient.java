package dev.aigateway.controlplane.xds;

import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A state-of-the-world ADS client that behaves like Envoy: node on the first request, CDS then LDS
 * then RDS for the route names the listeners use, and an ACK (version + nonce) or NACK (last good
 * version + nonce + error_detail) for every response.
 */
final class AdsClient implements AutoCloseable {
  static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  static final String RDS = Resources.V3.ROUTE_TYPE_URL;

  /** Decides to reject a response: returns Envoy's error message, or null to accept. */
  interface Rejecter extends BiFunction<String, DiscoveryResponse, @Nullable String> {}

  private final Node node;
  private final StreamObserver<DiscoveryRequest> requests;
  private final Map<String, DiscoveryResponse> accepted = new HashMap<>();
  private final Map<String, Long> acceptedAtNanos = new HashMap<>();
  private final Set<String> routeNames = new LinkedHashSet<>();
  private volatile Rejecter rejecter = (type, response) -> null;
  private boolean sentNode;
  private int responses;
  private @Nullable Throwable error;

  AdsClient(ManagedChannel channel, String nodeId, String fleet) {
    this(channel, nodeId, fleet, Map.of());
  }

  /** Starts a stream; {@code versions} are the versions a reconnecting Envoy already runs. */
  AdsClient(ManagedChannel channel, String nodeId, String fleet, Map<String, String> versions) {
    this.node = Node.newBuilder().setId(nodeId).setCluster(fleet).build();
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse response) {
                    receive(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    synchronized (AdsClient.this) {
                      error = t;
                      AdsClient.this.notifyAll();
                    }
                  }

                  @Override
                  public void onCompleted() {}
                });
    send(CDS, versions.getOrDefault(CDS, ""), "", Set.of(), null);
    send(LDS, versions.getOrDefault(LDS, ""), "", Set.of(), null);
  }

  void rejectWith(Rejecter rejecter) {
    this.rejecter = rejecter;
  }

  private synchronized void send(
      String type, String version, String nonce, Set<String> names, @Nullable String errorMessage) {
    DiscoveryRequest.Builder request =
        DiscoveryRequest.newBuilder()
            .setTypeUrl(type)
            .setVersionInfo(version)
            .setResponseNonce(nonce)
            .addAllResourceNames(names);
    if (!sentNode) {
      request.setNode(node);
      sentNode = true;
    }
    if (errorMessage != null) {
      request.setErrorDetail(Status.newBuilder().setCode(3).setMessage(errorMessage));
    }
    requests.onNext(request.build());
  }

  private synchronized void receive(DiscoveryResponse response) {
    String type = response.getTypeUrl();
    Set<String> names = type.equals(RDS) ? Set.copyOf(routeNames) : Set.of();
    String rejection = rejecter.apply(type, response);
    if (rejection != null) {
      DiscoveryResponse last = accepted.get(type);
      send(type, last == null ? "" : last.getVersionInfo(), response.getNonce(), names, rejection);
    } else {
      accepted.put(type, response);
      acceptedAtNanos.put(type, System.nanoTime());
      send(type, response.getVersionInfo(), response.getNonce(), names, null);
      if (type.equals(LDS)) {
        subscribeRoutes(response);
      }
    }
    responses++;
    notifyAll();
  }

  private void subscribeRoutes(DiscoveryResponse listeners) {
    Set<String> names = new LinkedHashSet<>();
    try {
      for (var any : listeners.getResourcesList()) {
        Listener listener = any.unpack(Listener.class);
        // The HCM is the chain's last network filter (a connection_limit filter comes first).
        var filters = listener.getFilterChains(0).getFiltersList();
        HttpConnectionManager hcm =
            filters.getLast().getTypedConfig().unpack(HttpConnectionManager.class);
        names.add(hcm.getRds().getRouteConfigName());
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    if (!names.equals(routeNames)) {
      routeNames.clear();
      routeNames.addAll(names);
      DiscoveryResponse last = accepted.get(RDS);
      send(RDS, last == null ? "" : last.getVersionInfo(), "", names, null);
    }
  }

  /** Waits until CDS, LDS and RDS responses of {@code version} were accepted. */
  synchronized void awaitVersion(String version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasVersion(version)) {
      if (error != null) {
        throw new IllegalStateException("ADS stream failed", error);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "node "
                + node.getId()
                + " did not get version "
                + version
                + " in "
                + timeout
                + "; has "
                + versions());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The nanoTime at which the last of CDS/LDS/RDS at {@code version} arrived. */
  synchronized long receivedAtNanos(String version) {
    if (!hasVersion(version)) {
      throw new IllegalStateException("version " + version + " not received");
    }
    return Math.max(
        acceptedAtNanos.get(CDS), Math.max(acceptedAtNanos.get(LDS), acceptedAtNanos.get(RDS)));
  }

  synchronized boolean hasVersion(String version) {
    for (String type : new String[] {CDS, LDS, RDS}) {
      DiscoveryResponse r = accepted.get(type);
      if (r == null || !r.getVersionInfo().equals(version)) {
        return false;
      }
    }
    return true;
  }

  synchronized Map<String, String> versions() {
    Map<String, String> versions = new HashMap<>();
    accepted.forEach((type, r) -> versions.put(type, r.getVersionInfo()));
    return versions;
  }

  synchronized @Nullable DiscoveryResponse accepted(String type) {
    return accepted.get(type);
  }

  synchronized int responseCount() {
    return responses;
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
