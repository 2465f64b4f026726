package dev.aigateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's event loops, which a process that also serves ext_proc (`gateway run`) can share with
 * its ext_proc gRPC server so that an ext_proc message costs no thread hand-off on either side.
 *
 * <p>The proxy opens one ext_proc connection per loop and endpoint (like Envoy's per-worker
 * connections). When the endpoint is on loopback, the connection of loop {@code i} is made from
 * source address {@code 127.0.0.(2+i)}; a server whose port was {@linkplain
 * #pinLoopbackClients(int) pinned} registers a connection it accepts from such an address on loop
 * {@code i}. Both ends of the connection then run on one thread: the proxy writes a message, the
 * same loop reads and answers it, and reads the answer, with no wake-up of another thread in
 * between. The messages still go over TCP and gRPC exactly as they would to a remote ext_proc
 * service. Where extra loopback addresses cannot be bound (not Linux), connections are made as
 * usual.
 */
public final class ProxyEventLoops extends MultiThreadIoEventLoopGroup {

  private static final Logger log = LoggerFactory.getLogger(ProxyEventLoops.class);

  /** The last octet of loop 0's source address (127.0.0.1 is left to everything else). */
  private static final int FIRST_SOURCE = 2;

  private static final boolean SOURCES_BINDABLE = canBind(FIRST_SOURCE);

  private final List<EventLoop> loops;
  private volatile int pinnedPort = -1;
  private volatile @Nullable InProcessLink inProcess;

  /** An ext_proc server in this process, on port {@code port}, also served in-process. */
  private record InProcessLink(int port, String name) {}

  /**
   * @param threads number of loops; 0 for one per available processor, Envoy's default concurrency
   *     (a request's work stays on one loop, so more loops than cores only add switching between
   *     them)
   */
  public ProxyEventLoops(int threads) {
    super(
        threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
        NettyTransport.ioHandlerFactory());
    List<EventLoop> all = new ArrayList<>();
    for (EventExecutor e : this) {
      all.add((EventLoop) e);
    }
    this.loops = List.copyOf(all);
  }

  /**
   * The address to bind an ext_proc connection's local end to before connecting from {@code loop}
   * to {@code destination}, or null to let the system choose (destination not on loopback, loop not
   * one of these, or source addresses not available here).
   */
  public @Nullable InetSocketAddress sourceAddressFor(EventLoop loop, InetAddress destination) {
    if (!SOURCES_BINDABLE
        || !(destination instanceof Inet4Address)
        || !destination.isLoopbackAddress()) {
      return null;
    }
    int i = loops.indexOf(loop);
    if (i < 0 || FIRST_SOURCE + i > 254) {
      return null;
    }
    return new InetSocketAddress(source(FIRST_SOURCE + i), 0);
  }

  /**
   * From now on, a connection accepted by the server listening on {@code serverPort} from source
   * address {@code 127.0.0.(2+i)} is served on loop {@code i}.
   */
  public void pinLoopbackClients(int serverPort) {
    this.pinnedPort = serverPort;
  }

  /**
   * From now on, the ext_proc server of this process listening on {@code port} is reached
   * in-process: a channel from loop {@code i} to a local address on that port goes to the
   * in-process server {@code name-i}, which runs its calls on the same loop.
   */
  public void linkInProcess(int port, String name) {
    this.inProcess = new InProcessLink(port, java.util.Objects.requireNonNull(name, "name"));
  }

  /**
   * The in-process server name a channel from {@code loop} to {@code host:port} should use, or null
   * to connect over TCP (no link, another port, a host that is not this machine, a foreign loop).
   */
  public @Nullable String inProcessNameFor(EventLoop loop, String host, int port) {
    InProcessLink link = inProcess;
    int i = loops.indexOf(loop);
    if (link == null || link.port() != port || i < 0 || !isThisMachine(host)) {
      return null;
    }
    return link.name() + "-" + i;
  }

  /** An IP literal of this machine or "localhost"; a host name is never resolved here. */
  private static boolean isThisMachine(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:.%]+]?")) {
      return false;
    }
    try {
      InetAddress address = InetAddress.getByName(host); // a literal: no lookup
      return address.isLoopbackAddress()
          || address.isAnyLocalAddress()
          || java.net.NetworkInterface.getByInetAddress(address) != null;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public ChannelFuture register(Channel channel) {
    EventLoop loop = pinnedLoop(channel);
    return loop != null ? loop.register(channel) : super.register(channel);
  }

  private @Nullable EventLoop pinnedLoop(Channel channel) {
    int port = pinnedPort;
    if (port < 0
        || channel.parent() == null
        || !(channel.parent().localAddress() instanceof InetSocketAddress server)
        || server.getPort() != port
        || !(channel.remoteAddress() instanceof InetSocketAddress client)
        || !(client.getAddress() instanceof Inet4Address v4)) {
      return null;
    }
    byte[] a = v4.getAddress();
    int i = (a[3] & 0xff) - FIRST_SOURCE;
    boolean ours = a[0] == 127 && a[1] == 0 && a[2] == 0 && i >= 0 && i < loops.size();
    return ours ? loops.get(i) : null;
  }

  private static InetAddress source(int lastOctet) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always a valid address
    }
  }

  /** Linux routes all of 127.0.0.0/8 to loopback; other systems often only 127.0.0.1. */
  private static boolean canBind(int lastOctet) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(source(lastOctet), 0));
      return true;
    } catch (IOException e) {
      log.debug("cannot bind 127.0.0.{}: ext_proc connections are not pinned to loops", lastOctet);
      return false;
    }
  }
}
