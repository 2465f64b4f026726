package dev.aigateway.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Adapts what Envoy sends to what java-control-plane's server expects, per ADS stream.
 *
 * <ul>
 *   <li>The node is only promised on a stream's first request (Envoy's {@code
 *       set_node_on_first_message_only}), but java-control-plane picks the snapshot group from each
 *       request's node: later requests get the first request's node.
 *   <li>A NACK carries the last good version, which java-control-plane takes as "out of date" and
 *       answers at once with the same rejected snapshot, so Envoy and the server would loop. The
 *       NACK is handed on with the rejected version instead: the node then waits for the next
 *       snapshot. Status tracking reads the NACK from its nonce and {@code error_detail}, which
 *       stay.
 *   <li>A node whose id or cluster is empty, too long or holds control characters is refused
 *       ({@link NodeIdentity}): those strings are stored in fleet status.
 * </ul>
 */
final class AdsRequestInterceptor implements ServerInterceptor {

  private record Sent(String nonce, String version) {}

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    // Latest state-of-the-world response per type URL on this stream.
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    ServerCall<Q, R> recording =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            if (message instanceof DiscoveryResponse response) {
              sent.put(
                  response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
            }
            super.sendMessage(message);
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(recording, headers)) {
      private @Nullable Node node;
      private boolean refused;

      @Override
      @SuppressWarnings("unchecked")
      public void onMessage(Q message) {
        if (refused) {
          return;
        }
        String problem = nodeProblem(message);
        if (problem != null) {
          // Closed before the discovery server or fleet status ever see this node.
          refused = true;
          call.close(Status.INVALID_ARGUMENT.withDescription(problem), new Metadata());
          return;
        }
        if (message instanceof DiscoveryRequest request) {
          message = (Q) adapt(request);
        } else if (message instanceof DeltaDiscoveryRequest request) {
          if (request.hasNode()) {
            node = request.getNode();
          } else if (node != null) {
            message = (Q) request.toBuilder().setNode(node).build();
          }
        }
        super.onMessage(message);
      }

      private @Nullable String nodeProblem(Q message) {
        if (message instanceof DiscoveryRequest request && request.hasNode()) {
          return NodeIdentity.problem(request.getNode());
        }
        if (message instanceof DeltaDiscoveryRequest request && request.hasNode()) {
          return NodeIdentity.problem(request.getNode());
        }
        return null;
      }

      private DiscoveryRequest adapt(DiscoveryRequest request) {
        DiscoveryRequest.Builder changed = null;
        if (request.hasNode()) {
          node = request.getNode();
        } else if (node != null) {
          changed = request.toBuilder().setNode(node);
        }
        if (request.hasErrorDetail()) {
          Sent rejected = sent.get(request.getTypeUrl());
          if (rejected != null && rejected.nonce().equals(request.getResponseNonce())) {
            changed = changed == null ? request.toBuilder() : changed;
            changed.setVersionInfo(rejected.version());
          }
        }
        return changed == null ? request : changed.build();
      }
    };
  }
}
