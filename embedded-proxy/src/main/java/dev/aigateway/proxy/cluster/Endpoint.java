package dev.aigateway.proxy.cluster;

/** One upstream host and port, resolved at connect time (STRICT_DNS and LOGICAL_DNS alike). */
public record Endpoint(String host, int port) {
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
