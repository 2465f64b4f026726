package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The client's parsed request body, handed from the router point to the attempts of the same
 * request when they run on this replica (as ai-gateway's upstream processor finds its router
 * processor by request id): the attempt then translates at its request headers and answers them
 * with the body, so Envoy does not send it the body again (one ext_proc message and one JSON parse
 * less per attempt). An attempt on another replica finds nothing here and takes the body from Envoy
 * as before; nothing may depend on the handoff.
 */
final class BodyHandoff {
  /** Larger bodies go the ordinary way: their transfer is cheap next to holding the tree. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /**
   * Bounds what requests in flight may hold here; beyond it the attempts get the body from Envoy.
   */
  static final int MAX_ENTRIES = 4096;

  /** Hands nothing over (each attempt reads the body from Envoy). */
  static final BodyHandoff NONE = new BodyHandoff(0);

  private record Handed(UUID keyId, ObjectNode body) {}

  private final Map<String, Handed> byRequest = new ConcurrentHashMap<>();
  private final int maxEntries;

  BodyHandoff() {
    this(MAX_ENTRIES);
  }

  BodyHandoff(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** Offers the body the router point routed; it must not be changed afterwards. */
  void offer(String requestId, UUID keyId, ObjectNode body, int rawBytes) {
    if (rawBytes <= MAX_BODY_BYTES && byRequest.size() < maxEntries) {
      byRequest.put(requestId, new Handed(keyId, body));
    }
  }

  /**
   * A copy of the request's body for one attempt to change as its target needs, or null when the
   * router point of this request ran elsewhere (or for another key).
   */
  @Nullable ObjectNode copy(String requestId, UUID keyId) {
    Handed h = byRequest.get(requestId);
    return h == null || !h.keyId().equals(keyId) ? null : h.body().deepCopy();
  }

  /** The request ended at the router point: no attempt follows. */
  void remove(String requestId) {
    if (!byRequest.isEmpty()) {
      byRequest.remove(requestId);
    }
  }

  /** Test access. */
  int size() {
    return byRequest.size();
  }
}
