package dev.aigateway.dataplane;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * Who may connect to the ext_proc server and how much one peer may ask of it: mutual TLS when
 * configured (the server hands out provider credentials in header mutations, so a peer without a
 * certificate from the gateway's CA must not get a stream), and bounds on streams per connection,
 * message and header sizes.
 */
final class ExtProcServerLimits {
  /**
   * Streams one connection may hold at once. Envoy multiplexes every request of a worker on one
   * HTTP/2 connection and opens another when a connection's SETTINGS_MAX_CONCURRENT_STREAMS is
   * reached, so this bounds a single peer without limiting Envoy.
   */
  static final int MAX_CONCURRENT_STREAMS_PER_CONNECTION = 1_000;

  /** Request headers and trailers Envoy sends are small; gRPC's metadata is our own. */
  static final int MAX_INBOUND_METADATA_BYTES = 64 * 1024;

  private ExtProcServerLimits() {}

  static NettyServerBuilder builder(ExtProcSettings settings) {
    ServerCredentials credentials =
        settings.tls() == null
            ? InsecureServerCredentials.create()
            : settings.tls().requireReadable().serverCredentials();
    return NettyServerBuilder.forAddress(
            new InetSocketAddress(settings.bindAddress(), settings.port()), credentials)
        .maxConcurrentCallsPerConnection(MAX_CONCURRENT_STREAMS_PER_CONNECTION)
        // Request bodies arrive whole in one message (BUFFERED): the configured body limit plus
        // room for the headers message's framing, and no more.
        .maxInboundMessageSize(maxInboundMessageBytes(settings))
        .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES);
  }

  static int maxInboundMessageBytes(ExtProcSettings settings) {
    return (int) Math.min(Integer.MAX_VALUE, settings.maxRequestBodyBytes() + (1 << 20));
  }
}
