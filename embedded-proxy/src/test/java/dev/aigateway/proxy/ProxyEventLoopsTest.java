package dev.aigateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.cluster.Endpoint;
import dev.aigateway.proxy.extproc.ExtProcChannels;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyEventLoopsTest {

  private static final ProcessingRequest HEADERS =
      ProcessingRequest.newBuilder()
          .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(HeaderMap.getDefaultInstance()))
          .build();

  @Test
  void anExtProcConnectionIsServedOnTheLoopThatOpenedIt() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "127.0.0.0/8 is Linux's");
    ProxyEventLoops loops = new ProxyEventLoops(3);
    List<String> serverThreads = new CopyOnWriteArrayList<>();
    FakeExtProc server =
        new FakeExtProc(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .bossEventLoopGroup(loops)
                .workerEventLoopGroup(loops)
                .channelType(NettyTransport.serverChannel())
                .directExecutor());
    server.script =
        (request, out) -> {
          serverThreads.add(Thread.currentThread().getName());
          out.onNext(FakeExtProc.continueFor(request));
        };
    loops.pinLoopbackClients(server.port());
    ExtProcChannels channels = new ExtProcChannels(null, loops);
    ClusterSpec cluster = extProcCluster(server.port());
    try {
      List<String> loopThreads = new ArrayList<>();
      List<String> answeredOn = new ArrayList<>();
      for (EventExecutor e : loops) {
        EventLoop loop = (EventLoop) e;
        loopThreads.add(loop.submit(() -> Thread.currentThread().getName()).get());
        answeredOn.add(exchangeOn(channels, cluster, loop));
      }
      // Each loop's message was read and answered by the server on that same loop, and the answer
      // came back to it there: three loops, three distinct threads, no hand-off.
      assertEquals(loopThreads, serverThreads);
      assertEquals(loopThreads, answeredOn);
      assertEquals(3, loopThreads.stream().distinct().count());
    } finally {
      channels.close();
      server.close();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** A plaintext HTTP/2 ext_proc cluster with one endpoint on loopback. */
  private static ClusterSpec extProcCluster(int port) {
    return new ClusterSpec(
        "ext_proc",
        List.of(new Endpoint("127.0.0.1", port)),
        null,
        null,
        true,
        Duration.ofSeconds(2),
        1 << 20);
  }

  /** One request-headers message on a stream opened from {@code loop}; the thread answered on. */
  private static String exchangeOn(ExtProcChannels channels, ClusterSpec cluster, EventLoop loop)
      throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    loop.execute(
        () -> {
          StreamObserver<ProcessingRequest> requests =
              ExternalProcessorGrpc.newStub(channels.channelFor(cluster, loop))
                  .process(
                      new StreamObserver<>() {
                        @Override
                        public void onNext(ProcessingResponse value) {
                          answer.complete(Thread.currentThread().getName());
                        }

                        @Override
                        public void onError(Throwable t) {
                          answer.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {}
                      });
          requests.onNext(HEADERS);
          requests.onCompleted();
        });
    return answer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLinkedExtProcInThisProcessIsCalledInProcessOnTheLoopThatOpenedTheStream() throws Exception {
    ProxyEventLoops loops = new ProxyEventLoops(2);
    String name = "ext-proc-test-" + java.util.UUID.randomUUID();
    List<String> serverThreads = new CopyOnWriteArrayList<>();
    List<FakeExtProc> servers = new ArrayList<>();
    int i = 0;
    for (EventExecutor e : loops) {
      FakeExtProc server =
          new FakeExtProc(InProcessServerBuilder.forName(name + "-" + i++).executor(e));
      server.script =
          (request, out) -> {
            serverThreads.add(Thread.currentThread().getName());
            out.onNext(FakeExtProc.continueFor(request));
          };
      servers.add(server);
    }
    // Nothing listens on this port: an answer can only come from the in-process servers.
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    loops.linkInProcess(port, name);
    ExtProcChannels channels = new ExtProcChannels(null, loops);
    ClusterSpec cluster = extProcCluster(port);
    ProxyEventLoops other = new ProxyEventLoops(1);
    try {
      List<String> loopThreads = new ArrayList<>();
      List<String> answeredOn = new ArrayList<>();
      List<EventLoop> mine = new ArrayList<>();
      for (EventExecutor e : loops) {
        EventLoop loop = (EventLoop) e;
        mine.add(loop);
        loopThreads.add(loop.submit(() -> Thread.currentThread().getName()).get());
        answeredOn.add(exchangeOn(channels, cluster, loop));
      }
      assertEquals(loopThreads, serverThreads);
      assertEquals(loopThreads, answeredOn);
      // Only this machine's addresses on the linked port, from its own loops, go in-process.
      assertEquals(name + "-1", loops.inProcessNameFor(mine.get(1), "127.0.0.1", port));
      assertEquals(name + "-0", loops.inProcessNameFor(mine.get(0), "localhost", port));
      assertNull(loops.inProcessNameFor(mine.get(0), "127.0.0.1", port + 1));
      assertNull(loops.inProcessNameFor(mine.get(0), "10.1.2.3", port));
      assertNull(loops.inProcessNameFor(mine.get(0), "ext-proc.example.com", port));
      assertNull(loops.inProcessNameFor((EventLoop) other.next(), "127.0.0.1", port));
    } finally {
      channels.close();
      servers.forEach(FakeExtProc::close);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      other.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * An ext_proc reached over TCP with the cluster's mutual TLS (what an Envoy does, and what the
   * embedded proxy of `gateway proxy` does; `gateway run` calls its own ext_proc in-process): the
   * channel presents the client certificate and trusts the CA, and a server requiring client
   * certificates answers.
   */
  @Test
  void anExtProcOverTcpIsCalledWithTheClustersMutualTls(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    dev.aigateway.tls.TlsFiles tls =
        dev.aigateway.tls.DevCertificates.create(
            dir, dev.aigateway.tls.DevCertificates.LOCAL_NAMES);
    ProxyEventLoops loops = new ProxyEventLoops(1);
    FakeExtProc server =
        new FakeExtProc(
            io.grpc.Grpc.newServerBuilderForPort(0, tls.serverCredentials()).directExecutor());
    ExtProcChannels channels = new ExtProcChannels(null, loops);
    try {
      EventLoop loop = (EventLoop) loops.next();
      ClusterSpec withCertificate =
          new ClusterSpec(
              "ext_proc",
              List.of(new Endpoint("127.0.0.1", server.port())),
              null,
              null,
              true,
              Duration.ofSeconds(2),
              1 << 20,
              null,
              null,
              tls);
      exchangeOn(channels, withCertificate, loop);
      assertEquals(1, server.received.size());
      ClusterSpec plaintext = extProcCluster(server.port());
      org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class,
          () -> exchangeOn(channels, plaintext, loop));
      assertEquals(1, server.received.size());
    } finally {
      channels.close();
      server.close();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void onlyLoopbackDestinationsOfItsOwnLoopsGetASourceAddress() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "127.0.0.0/8 is Linux's");
    ProxyEventLoops loops = new ProxyEventLoops(2);
    ProxyEventLoops other = new ProxyEventLoops(1);
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      List<EventLoop> mine = new ArrayList<>();
      loops.forEach(e -> mine.add((EventLoop) e));
      assertEquals(
          new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0),
          loops.sourceAddressFor(mine.get(0), loopback));
      assertEquals(
          new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0),
          loops.sourceAddressFor(mine.get(1), loopback));
      assertNull(loops.sourceAddressFor(mine.get(0), InetAddress.getByName("10.1.2.3")));
      assertNull(loops.sourceAddressFor(mine.get(0), InetAddress.getByName("::1")));
      EventLoop foreign = (EventLoop) other.next();
      assertNotNull(foreign);
      assertNull(loops.sourceAddressFor(foreign, loopback));
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      other.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
