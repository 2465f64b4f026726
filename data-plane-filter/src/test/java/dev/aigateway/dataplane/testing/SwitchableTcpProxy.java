package dev.aigateway.dataplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of PostgreSQL on a fixed loopback port that can go away and come back
 * ({@link #down}: connections refused and open ones cut, what a client of a stopped database sees),
 * or hang ({@link #freeze}: nothing closed, no byte forwarded, a stuck server or a black-holed
 * network).
 */
public final class SwitchableTcpProxy implements AutoCloseable {
  private final int port;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private volatile boolean frozen;

  public SwitchableTcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = s.getLocalPort();
    s.close();
  }

  public int port() {
    return port;
  }

  /** Starts accepting (again) on the same port. */
  public synchronized void up() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    server = s;
    Thread.ofPlatform().daemon().name("switchable-proxy-accept").start(() -> accept(s));
  }

  /** From now on no byte goes either way; connections (old and new) stay open. */
  public void freeze() {
    frozen = true;
  }

  /** Refuses new connections and cuts every open one. */
  public synchronized void down() throws IOException {
    ServerSocket s = server;
    if (s != null) {
      s.close();
    }
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  while (frozen && !from.isClosed()) {
                    Thread.sleep(50); // hold the bytes: the peer waits forever
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // cut by down() or by either side
              }
            });
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
