package dev.aigateway.proxy.xds;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State-of-the-world ADS client: one stream, CDS then EDS then LDS then RDS, ACK with version and
 * nonce, NACK with the last good version and error_detail, and on reconnect the same subscriptions
 * with the last accepted versions. Everything runs on one scheduler thread.
 */
final class AdsClient {

  private static final Logger log = LoggerFactory.getLogger(AdsClient.class);

  /** Applies a validated resource set; throws to NACK. */
  interface Applier {
    void apply(String typeUrl, List<Any> resources) throws InvalidResourceException;
  }

  private static final class TypeState {
    String version = "";
    String nonce = "";
    Set<String> names = Set.of();
    boolean requested;
  }

  private final ManagedChannel channel;
  private final Node node;
  private final ScheduledExecutorService executor;
  private final XdsState state;
  private final Runnable onChange;
  private final Map<String, TypeState> types = new HashMap<>();
  private @Nullable ClientCallStreamObserver<DiscoveryRequest> stream;
  private boolean closed;
  private long backoffMillis = 250;
  private final Map<String, String> acked = new java.util.concurrent.ConcurrentHashMap<>();

  AdsClient(
      ManagedChannel channel,
      Node node,
      ScheduledExecutorService executor,
      XdsState state,
      Runnable onChange) {
    this.channel = channel;
    this.node = node;
    this.executor = executor;
    this.state = state;
    this.onChange = onChange;
    for (String t : List.of(XdsState.CDS, XdsState.EDS, XdsState.LDS, XdsState.RDS)) {
      types.put(t, new TypeState());
    }
  }

  /** Last ACKed version per type URL. */
  Map<String, String> ackedVersions() {
    return Map.copyOf(acked);
  }

  void start() {
    executor.execute(this::connect);
  }

  void close() {
    executor.execute(
        () -> {
          closed = true;
          if (stream != null) {
            stream.cancel("proxy closing", null);
          }
        });
  }

  private void connect() {
    if (closed) {
      return;
    }
    for (TypeState t : types.values()) {
      t.nonce = ""; // Nonces are per stream.
    }
    AggregatedDiscoveryServiceGrpc.newStub(channel)
        .withExecutor(executor)
        .streamAggregatedResources(new Observer());
    // Reconnect: repeat what was subscribed, with the last accepted versions, in CDS..RDS order.
    send(XdsState.CDS);
    TypeState lds = types.get(XdsState.LDS);
    if (lds.requested) {
      if (!types.get(XdsState.EDS).names.isEmpty()) {
        send(XdsState.EDS);
      }
      send(XdsState.LDS);
      if (!types.get(XdsState.RDS).names.isEmpty()) {
        send(XdsState.RDS);
      }
    }
  }

  private void send(String typeUrl) {
    send(typeUrl, null);
  }

  private void send(String typeUrl, @Nullable String errorDetail) {
    if (stream == null) {
      return;
    }
    TypeState t = types.get(typeUrl);
    t.requested = true;
    DiscoveryRequest.Builder b =
        DiscoveryRequest.newBuilder()
            .setTypeUrl(typeUrl)
            .setVersionInfo(t.version)
            .setResponseNonce(t.nonce)
            .addAllResourceNames(t.names);
    // Like Envoy's default (set_node_on_first_message_only: false), every request carries the
    // node; java-control-plane groups each request by it.
    b.setNode(node);
    if (errorDetail != null) {
      b.setErrorDetail(
          com.google.rpc.Status.newBuilder()
              .setCode(Code.INVALID_ARGUMENT_VALUE)
              .setMessage(errorDetail));
    }
    stream.onNext(b.build());
  }

  private void onResponse(DiscoveryResponse r) {
    backoffMillis = 250;
    String type = r.getTypeUrl();
    TypeState t = types.get(type);
    if (t == null) {
      log.warn("xDS response for unsupported type {} ignored", type);
      return;
    }
    t.nonce = r.getNonce();
    XdsState.Saved saved = state.save();
    try {
      switch (type) {
        case XdsState.CDS -> state.applyClusters(r.getResourcesList());
        case XdsState.EDS -> state.applyEndpoints(r.getResourcesList());
        case XdsState.LDS -> state.applyListeners(r.getResourcesList());
        case XdsState.RDS -> state.applyRoutes(r.getResourcesList());
        default -> throw new IllegalStateException(type);
      }
      onChange.run();
    } catch (InvalidResourceException | ApplyFailure e) {
      state.restore(saved);
      log.warn(
          "xDS {} version {} rejected: {}", shortName(type), r.getVersionInfo(), e.getMessage());
      send(type, e.getMessage());
      return;
    }
    t.version = r.getVersionInfo();
    acked.put(type, t.version);
    log.info("xDS {} version {} applied", shortName(type), t.version);
    send(type);
    followUp(type);
  }

  /** Subscriptions that follow from the resources just accepted. */
  private void followUp(String type) {
    if (type.equals(XdsState.CDS)) {
      Set<String> eds = state.edsNames();
      TypeState e = types.get(XdsState.EDS);
      if (!eds.equals(e.names)) {
        e.names = eds;
        send(XdsState.EDS);
      }
      if (!types.get(XdsState.LDS).requested) {
        send(XdsState.LDS);
      }
    } else if (type.equals(XdsState.LDS)) {
      Set<String> rds = state.rdsNames();
      TypeState r = types.get(XdsState.RDS);
      if (!rds.equals(r.names)) {
        r.names = rds;
        send(XdsState.RDS);
      }
    }
  }

  private void onStreamEnd(String why) {
    stream = null;
    if (closed) {
      return;
    }
    log.warn("xDS stream ended ({}); reconnecting in {} ms", why, backoffMillis);
    executor.schedule(this::connect, backoffMillis, TimeUnit.MILLISECONDS);
    backoffMillis = Math.min(backoffMillis * 2, 10_000);
  }

  private static String shortName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }

  /** Raised by the change hook when accepted resources cannot be put in service. */
  static final class ApplyFailure extends RuntimeException {
    ApplyFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final class Observer
      implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {

    private @Nullable ClientCallStreamObserver<DiscoveryRequest> mine;

    @Override
    public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requestStream) {
      mine = requestStream;
      stream = requestStream;
    }

    @Override
    public void onNext(DiscoveryResponse value) {
      if (stream == mine) {
        onResponse(value);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (stream == mine) {
        onStreamEnd(io.grpc.Status.fromThrowable(t).getCode().toString());
      }
    }

    @Override
    public void onCompleted() {
      if (stream == mine) {
        onStreamEnd("closed by server");
      }
    }
  }
}
