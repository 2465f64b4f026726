package dev.aigateway.proxy.listener;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Envoy's {@code envoy.filters.network.connection_limit}: at most {@code max} open connections on a
 * listener's filter chain; one over the limit is closed at once (no {@code delay} configured).
 */
final class ConnectionCap {
  private final AtomicLong open = new AtomicLong();

  /** Counts {@code channel} until it closes, or closes it when {@code max} are open (0: none). */
  boolean admit(Channel channel, long max) {
    if (max <= 0) {
      return true;
    }
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      channel.close();
      return false;
    }
    channel.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }
}
