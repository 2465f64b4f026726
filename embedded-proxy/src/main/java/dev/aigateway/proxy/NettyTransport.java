package dev.aigateway.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The proxy's socket transport: Linux epoll when its native library loads (fewer system calls and
 * no selector bookkeeping per event), Java NIO everywhere else or with {@code
 * -Dgateway.proxy.nio=true}. Every channel of the proxy (listener, upstream connections, ext_proc
 * gRPC channels) shares the event loops, so all of them must use the classes chosen here.
 */
public final class NettyTransport {

  private static final boolean EPOLL =
      !Boolean.getBoolean("gateway.proxy.nio") && Epoll.isAvailable();

  private NettyTransport() {}

  /** "epoll" or "nio". */
  public static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  public static IoHandlerFactory ioHandlerFactory() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
