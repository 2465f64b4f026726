package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One bound listener: its server socket, the current config view and in-flight count. */
public final class ListenerRuntime {

  private Channel serverChannel;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConnectionCap connections = new ConnectionCap();
  private volatile ListenerView view;

  private ListenerRuntime(ListenerView view) {
    this.view = view;
  }

  /** Binds the listener; throws when the address cannot be bound. */
  public static ListenerRuntime bind(
      EventLoopGroup group, String host, int port, ListenerView view, ProxyServices services)
      throws InterruptedException {
    ListenerRuntime rt = new ListenerRuntime(view);
    rt.serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(NettyTransport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    ListenerSpec spec = rt.view.listener();
                    if (!rt.connections.admit(c, spec.maxConnections())) {
                      return;
                    }
                    long idle = spec.idleTimeout().toMillis();
                    if (idle > 0) {
                      c.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                    }
                    SlowClientGuard guard =
                        new SlowClientGuard(spec.requestHeadersTimeout(), spec.requestTimeout());
                    c.pipeline().addLast(guard.bytes());
                    c.pipeline().addLast(new HttpServerCodec());
                    c.pipeline().addLast(guard.messages());
                    c.pipeline().addLast(new HttpServerKeepAliveHandler());
                    c.pipeline()
                        .addLast(
                            new EnvoyLikeAggregator(
                                (int) Math.min(Integer.MAX_VALUE, spec.bufferLimitBytes())));
                    c.pipeline().addLast(new ProxyHandler(rt, services));
                  }
                })
            .bind(host, port)
            .sync()
            .channel();
    return rt;
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  ListenerView view() {
    return view;
  }

  /** New requests use the new view; requests in flight keep theirs. */
  public void update(ListenerView next) {
    view = next;
  }

  /** Stops accepting connections; open connections finish their current request. */
  public void stopAccepting() {
    serverChannel.close().syncUninterruptibly();
  }

  public int inFlight() {
    return inFlight.get();
  }

  void requestStarted() {
    inFlight.incrementAndGet();
  }

  void requestEnded() {
    inFlight.decrementAndGet();
  }
}
