package dev.aigateway.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import org.jspecify.annotations.Nullable;

/**
 * Checks the client-chosen strings an xDS node sends that end up in {@code fleet_nodes}: a node id
 * or cluster with a NUL made every batched status write fail (PostgreSQL text cannot hold NUL), so
 * one such node stopped fleet status for every node.
 */
final class NodeIdentity {
  static final int MAX_NAME_LENGTH = 256;
  static final int MAX_NACK_LENGTH = 4096;

  private NodeIdentity() {}

  /** Why the node must be refused, or null when its id and cluster are acceptable. */
  static @Nullable String problem(Node node) {
    String id = problem("node.id", node.getId());
    return id != null ? id : problem("node.cluster", node.getCluster());
  }

  private static @Nullable String problem(String field, String value) {
    if (value.isEmpty()) {
      return field + " must not be empty";
    }
    if (value.length() > MAX_NAME_LENGTH) {
      return field + " must be at most " + MAX_NAME_LENGTH + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return field + " must not contain control characters";
      }
    }
    return null;
  }

  /** A NACK's error detail as it may be stored and logged: no NUL or other controls but \n, \t. */
  static String cleanNack(String error) {
    StringBuilder out = new StringBuilder(Math.min(error.length(), MAX_NACK_LENGTH));
    for (int i = 0; i < error.length() && out.length() < MAX_NACK_LENGTH; i++) {
      char c = error.charAt(i);
      out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
    }
    return out.toString();
  }
}
