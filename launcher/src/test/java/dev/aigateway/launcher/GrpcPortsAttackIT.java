package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 6 against the real {@code gateway run} process: its xDS and ext_proc ports answer
 * only clients with a certificate from the development CA it generated into its data directory.
 */
class GrpcPortsAttackIT {
  private static final String ADMIN_TOKEN = "grpc-attack-admin-token-0123456789abcdef0123";
  @TempDir static Path dataDir;
  private static GatewayProcess gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, GatewayProcess.freePort());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void plaintextClientsGetNothingFromExtProcOrXds() throws Exception {
    assertThat(extProcAnswer(InsecureChannelCredentials.create())).isInstanceOf(Throwable.class);
    assertThat(xdsAnswer(InsecureChannelCredentials.create())).isInstanceOf(Throwable.class);
  }

  @Test
  void aClientWithTheGatewaysCertificateIsServed() throws Exception {
    TlsFiles files = TlsFiles.inDirectory(dataDir.resolve("tls"));
    assertThat(extProcAnswer(files.channelCredentials())).isInstanceOf(ProcessingResponse.class);
    assertThat(xdsAnswer(files.channelCredentials())).isInstanceOf(DiscoveryResponse.class);
  }

  @Test
  void everyListeningSocketOfTheGatewayAndItsDatabaseIsOnLoopback() throws Exception {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    java.util.List<Long> pids = new java.util.ArrayList<>();
    pids.add(gateway.process.pid());
    gateway.process.descendants().forEach(p -> pids.add(p.pid()));
    pids.add(
        Long.parseLong(
            java.nio.file.Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                .get(0)
                .trim()));
    for (long pid : pids) {
      try (var fds = java.nio.file.Files.list(Path.of("/proc/" + pid + "/fd"))) {
        for (Path fd : (Iterable<Path>) fds::iterator) {
          try {
            String target = java.nio.file.Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring(8, target.length() - 1));
            }
          } catch (java.io.IOException gone) {
            // closed meanwhile
          }
        }
      }
    }
    java.util.List<String> listening = new java.util.ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      java.util.List<String> lines = java.nio.file.Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          listening.add(f[1]);
        }
      }
    }
    // admin, xDS, ext_proc, the proxy's listener and PostgreSQL at least.
    assertThat(listening).hasSizeGreaterThanOrEqualTo(5);
    for (String local : listening) {
      String address = local.substring(0, local.indexOf(':'));
      assertThat(address)
          .as("listening on %s", local)
          .satisfiesAnyOf(
              a -> assertThat(a).endsWith("7F").hasSize(8), // 127.x.x.x, little-endian
              // ::ffff:127.x.x.x, the same socket on a dual-stack listener
              a -> assertThat(a).startsWith("0000000000000000FFFF0000").endsWith("7F"),
              a -> assertThat(a).isEqualTo("00000000000000000000000001000000")); // ::1
    }
  }

  /** A request_headers message without a key: the first answer, or the stream's error. */
  private static Object extProcAnswer(ChannelCredentials credentials) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.extProcPort, credentials).build();
    try {
      CompletableFuture<Object> first = new CompletableFuture<>();
      StreamObserver<ProcessingRequest> out =
          ExternalProcessorGrpc.newStub(channel).process(observer(first));
      out.onNext(
          ProcessingRequest.newBuilder()
              .setRequestHeaders(
                  HttpHeaders.newBuilder()
                      .setHeaders(
                          HeaderMap.newBuilder()
                              .addHeaders(header(":method", "GET"))
                              .addHeaders(header(":path", "/v1/models")))
                      .setEndOfStream(true))
              .build());
      return first.get(10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static Object xdsAnswer(ChannelCredentials credentials) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.xdsPort, credentials).build();
    try {
      CompletableFuture<Object> first = new CompletableFuture<>();
      StreamObserver<DiscoveryRequest> out =
          AggregatedDiscoveryServiceGrpc.newStub(channel)
              .streamAggregatedResources(observer(first));
      out.onNext(
          DiscoveryRequest.newBuilder()
              .setNode(Node.newBuilder().setId("intruder").setCluster("default"))
              .setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster")
              .build());
      return first.get(10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<Object> first) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        first.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        first.complete(t);
      }

      @Override
      public void onCompleted() {
        first.complete(new IllegalStateException("closed without an answer"));
      }
    };
  }

  private static HeaderValue header(String key, String value) {
    return HeaderValue.newBuilder().setKey(key).setRawValue(ByteString.copyFromUtf8(value)).build();
  }
}
