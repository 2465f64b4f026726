package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

/**
 * Event loops the ext_proc gRPC server runs on instead of its own, and the server channel class
 * that goes with their transport (epoll or NIO). `gateway run` passes the embedded proxy's loops.
 */
public record ServerEventLoops(EventLoopGroup group, Class<? extends ServerChannel> channelType) {
  public ServerEventLoops {
    requireNonNull(group, "group");
    requireNonNull(channelType, "channelType");
  }
}
