package dev.aigateway.controlplane.xds;

import dev.aigateway.controlplane.ControlPlaneSettings;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * Who may connect to the xDS server and how much one peer may ask of it. xDS is read (the whole
 * fleet config) and written (fleet status from ACKs/NACKs) by whoever holds a stream, so with
 * mutual TLS configured only a client certificate from the gateway's CA gets one.
 */
final class XdsServerLimits {
  /** An Envoy holds one ADS stream; a few more leave room for reconnect overlap. */
  static final int MAX_CONCURRENT_STREAMS_PER_CONNECTION = 16;

  /**
   * A DiscoveryRequest is a node, a type URL, resource names and a NACK's error detail: a few KiB.
   * 1 MiB leaves room for nodes with many metadata fields and long NACK messages.
   */
  static final int MAX_INBOUND_MESSAGE_BYTES = 1 << 20;

  static final int MAX_INBOUND_METADATA_BYTES = 16 * 1024;

  private XdsServerLimits() {}

  static NettyServerBuilder builder(ControlPlaneSettings settings) {
    ServerCredentials credentials =
        settings.security().xdsTls() == null
            ? InsecureServerCredentials.create()
            : settings.security().xdsTls().requireReadable().serverCredentials();
    return NettyServerBuilder.forAddress(
            new InetSocketAddress(settings.bindAddress(), settings.xdsPort()), credentials)
        .maxConcurrentCallsPerConnection(MAX_CONCURRENT_STREAMS_PER_CONNECTION)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES);
  }
}
