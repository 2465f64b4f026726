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
    ClusterSpec cluster =
        new ClusterSpec(
            "ext_proc",
            List.of(new Endpoint("127.0.0.1", server.port())),
            null,
            null,
            true,
            Duration.ofSeconds(2),
            1 << 20);
    try {
      List<String> loopThreads = new ArrayList<>();
      List<String> answeredOn = new ArrayList<>();
      for (EventExecutor e : loops) {
        EventLoop loop = (EventLoop) e;
        loopThreads.add(loop.submit(() -> Thread.currentThread().getName()).get());
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
        answeredOn.add(answer.get(10, TimeUnit.SECONDS));
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
