package dev.aigateway.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A name for this process among the replicas sharing one database. */
final class Replica {
  private Replica() {}

  static String id() {
    String configured = System.getenv("GATEWAY_REPLICA_ID");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
