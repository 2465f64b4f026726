package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import org.jspecify.annotations.Nullable;

/**
 * Event loops the ext_proc gRPC server runs on instead of its own, and the server channel class
 * that goes with their transport (epoll or NIO). `gateway run` passes the embedded proxy's loops.
 *
 * @param inProcessName when set, the service is also served in-process, one server per loop named
 *     {@code inProcessName-i} (i: the loop's position in {@code group}) whose calls run on loop i,
 *     for a proxy in the same process (null: TCP only)
 */
public record ServerEventLoops(
    EventLoopGroup group,
    Class<? extends ServerChannel> channelType,
    @Nullable String inProcessName) {
  public ServerEventLoops {
    requireNonNull(group, "group");
    requireNonNull(channelType, "channelType");
  }

  public ServerEventLoops(EventLoopGroup group, Class<? extends ServerChannel> channelType) {
    this(group, channelType, null);
  }
}
