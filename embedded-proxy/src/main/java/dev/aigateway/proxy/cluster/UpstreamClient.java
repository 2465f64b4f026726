package dev.aigateway.proxy.cluster;

import dev.aigateway.proxy.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 client for upstream clusters with keep-alive connection pools per event loop and
 * endpoint, round-robin over a cluster's endpoints, and TLS with SNI.
 */
public final class UpstreamClient {

  private record PoolKey(EventLoop loop, Endpoint endpoint, @Nullable String sni) {}

  private final LoadBalancer balancer = new LoadBalancer(System::nanoTime);

  /** A request in flight; {@link #abort()} closes its connection. */
  public interface Call {
    void abort();
  }

  private final TlsContexts tls;
  private final Map<PoolKey, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

  private final Map<java.util.List<java.security.cert.X509Certificate>, TlsContexts> byTrustedCa =
      new ConcurrentHashMap<>();

  public UpstreamClient(@Nullable TrustManagerFactory trust) {
    this.tls = new TlsContexts(trust);
  }

  /** Priority levels, weights and outlier ejection, shared by every request. */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** The trusted_ca in force (as Envoy uses it), else the proxy's own trust. */
  private TlsContexts contextsFor(java.util.@Nullable List<java.security.cert.X509Certificate> ca) {
    return ca == null ? tls : byTrustedCa.computeIfAbsent(ca, TlsContexts::trusting);
  }

  /**
   * Sends a request to one endpoint of the cluster. Runs on {@code loop}; the listener is called
   * there. The request must carry its framing (content-length or chunked) already.
   */
  public Call send(
      EventLoop loop, ClusterSpec cluster, HttpRequest request, byte[] body, UpstreamListener l) {
    if (cluster.endpoints().isEmpty()) {
      loop.execute(() -> l.onUpstreamError(new NoHealthyUpstream(), false));
      return () -> {};
    }
    int i = roundRobin.computeIfAbsent(cluster.name(), k -> new AtomicInteger()).getAndIncrement();
    Endpoint ep = cluster.endpoints().get(Math.floorMod(i, cluster.endpoints().size()));
    return send(loop, cluster, ep, request, body, l);
  }

  /**
   * Sends a request to the given endpoint of the cluster, with the endpoint's own TLS when a
   * transport_socket_matches entry chose one.
   */
  public Call send(
      EventLoop loop,
      ClusterSpec cluster,
      Endpoint ep,
      HttpRequest request,
      byte[] body,
      UpstreamListener l) {
    String sni = ep.tls() != null ? ep.tls().sni() : cluster.sni();
    var trusted = ep.tls() != null ? ep.tls().trustedCa() : cluster.trustedCa();
    PoolKey key = new PoolKey(loop, ep, sni);
    Channel pooled = takeIdle(key);
    CallImpl call = new CallImpl();
    if (pooled != null) {
      call.channel = pooled;
      write(pooled, request, body, l);
      return call;
    }
    new Bootstrap()
        .group(loop)
        .channel(NettyTransport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, cluster.connectTimeout().toMillis())))
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (sni != null) {
                  ch.pipeline().addLast(contextsFor(trusted).newHandler(ch.alloc(), sni, ep));
                }
                ch.pipeline().addLast(new HttpClientCodec());
                ch.pipeline()
                    .addLast(new UpstreamConnection((c, reusable) -> release(key, c, reusable)));
                ch.closeFuture()
                    .addListener(
                        f -> {
                          ArrayDeque<Channel> q = idle.get(key);
                          if (q != null) {
                            q.remove(ch);
                          }
                        });
              }
            })
        .connect(ep.host(), ep.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    l.onUpstreamError(f.cause(), false);
                    return;
                  }
                  call.channel = f.channel();
                  if (call.aborted) {
                    f.channel().close();
                    return;
                  }
                  write(f.channel(), request, body, l);
                });
    return call;
  }

  /** Closes every idle pooled connection. */
  public void closeIdle() {
    // Each pool belongs to one event loop; touch it only there.
    idle.forEach(
        (key, q) ->
            key.loop()
                .execute(
                    () -> {
                      List.copyOf(q).forEach(Channel::close);
                      q.clear();
                    }));
  }

  private static void write(Channel ch, HttpRequest request, byte[] body, UpstreamListener l) {
    ch.pipeline().get(UpstreamConnection.class).bind(l);
    boolean chunked =
        request
            .headers()
            .contains(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
    ch.write(request);
    if (body.length > 0) {
      if (chunked) {
        ch.write(new DefaultHttpContent(Unpooled.wrappedBuffer(body)));
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      } else {
        ch.writeAndFlush(
            new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
      }
    } else {
      ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  private @Nullable Channel takeIdle(PoolKey key) {
    ArrayDeque<Channel> q = idle.get(key);
    while (q != null && !q.isEmpty()) {
      Channel c = q.pollLast();
      if (c.isActive()) {
        return c;
      }
    }
    return null;
  }

  private void release(PoolKey key, Channel ch, boolean reusable) {
    if (!reusable || !ch.isActive()) {
      ch.close();
      return;
    }
    ArrayDeque<Channel> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
    q.addLast(ch);
  }

  private static final class CallImpl implements Call {
    volatile @Nullable Channel channel;
    volatile boolean aborted;

    @Override
    public void abort() {
      aborted = true;
      Channel c = channel;
      if (c != null) {
        UpstreamConnection h = c.pipeline().get(UpstreamConnection.class);
        if (h != null) {
          h.abandon(c);
        } else {
          c.close();
        }
      }
    }
  }

  /** No endpoint to send to. */
  public static final class NoHealthyUpstream extends Exception {
    public NoHealthyUpstream() {
      super("no healthy upstream", null, false, false);
    }
  }
}
