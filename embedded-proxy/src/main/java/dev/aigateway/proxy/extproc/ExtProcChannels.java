package dev.aigateway.proxy.extproc;

import dev.aigateway.proxy.NettyTransport;
import dev.aigateway.proxy.ProxyEventLoops;
import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.cluster.Endpoint;
import dev.aigateway.tls.TlsFiles;
import io.grpc.Attributes;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * gRPC channels to ext_proc clusters, kept across config updates: one per endpoint and proxy event
 * loop, like Envoy's per-worker connections. A channel's transport runs on the event loop of the
 * requests that use it and delivers its callbacks there directly, so an ext_proc message costs no
 * thread hand-off on the proxy's side. A connection to a loopback endpoint is made from the loop's
 * own source address ({@link ProxyEventLoops#sourceAddressFor}), so that an ext_proc server sharing
 * the loops serves it on the same loop.
 */
public final class ExtProcChannels implements AutoCloseable {

  private record Key(
      Endpoint endpoint,
      @Nullable String sni,
      @Nullable TlsFiles clientTls,
      EventLoop loop,
      ClusterSpec.@Nullable Keepalive keepalive) {}

  private final Map<Key, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final @Nullable TrustManagerFactory trust;
  private final ProxyEventLoops loops;

  /**
   * @param loops the proxy's event loops, which every {@code loop} passed to {@link #channelFor}
   *     belongs to
   */
  public ExtProcChannels(@Nullable TrustManagerFactory trust, ProxyEventLoops loops) {
    this.trust = trust;
    this.loops = java.util.Objects.requireNonNull(loops, "loops");
  }

  /**
   * The channel on {@code loop} for the cluster's first endpoint, or null when it has none. Calls
   * on it must be started on {@code loop}; their callbacks run there.
   */
  public @Nullable ManagedChannel channelFor(@Nullable ClusterSpec cluster, EventLoop loop) {
    if (cluster == null || cluster.endpoints().isEmpty()) {
      return null;
    }
    Key key =
        new Key(
            cluster.endpoints().getFirst(),
            cluster.sni(),
            cluster.clientTls(),
            loop,
            cluster.keepalive());
    return channels.computeIfAbsent(key, this::open);
  }

  private ManagedChannel open(Key key) {
    String local = loops.inProcessNameFor(key.loop(), key.endpoint().host(), key.endpoint().port());
    if (local != null) {
      // The ext_proc server of this process (gateway run): its in-process server for this loop
      // runs the calls here and answers here, without TLS, HTTP/2 or protobuf encoding.
      return InProcessChannelBuilder.forName(local).executor(key.loop()).disableRetry().build();
    }
    ChannelCredentials creds = InsecureChannelCredentials.create();
    if (key.clientTls() != null) {
      // Mutual TLS as the cluster's UpstreamTlsContext says: present the certificate, trust only
      // the given CA, and check the server's name (the SNI, else the endpoint address).
      creds = key.clientTls().channelCredentials();
    } else if (key.sni() != null) {
      try {
        var b = TlsChannelCredentials.newBuilder();
        if (trust != null) {
          b.trustManager(trust.getTrustManagers());
        }
        creds = b.build();
      } catch (RuntimeException e) {
        throw new UncheckedIOException(new IOException("ext_proc TLS setup failed", e));
      }
    }
    var b =
        NettyChannelBuilder.forAddress(key.endpoint().host(), key.endpoint().port(), creds)
            .eventLoopGroup(key.loop())
            .channelType(NettyTransport.socketChannel())
            // Every callback is non-blocking and confined to the loop the transport runs on.
            .directExecutor()
            // Envoy never retries an ext_proc stream, and the retry layer keeps every sent message.
            .disableRetry();
    if (key.keepalive() != null) {
      // As Envoy's connection_keepalive: PINGs also on idle connections, so a vanished ext_proc
      // is found before a request waits for message_timeout on it.
      b.keepAliveTime(key.keepalive().interval().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveTimeout(key.keepalive().timeout().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveWithoutCalls(true);
    }
    if (key.sni() != null && !key.sni().isEmpty()) {
      b.overrideAuthority(key.sni());
    }
    b.localSocketPicker(
        new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public @Nullable SocketAddress createSocketAddress(
              SocketAddress remote, Attributes attrs) {
            return remote instanceof InetSocketAddress r && r.getAddress() != null
                ? loops.sourceAddressFor(key.loop(), r.getAddress())
                : null;
          }
        });
    return b.build();
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }
}
