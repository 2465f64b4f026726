package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shutdown drains: no new streams, streams in flight (a streamed completion) keep being answered
 * during the grace, and only streams still open after it are cut.
 */
@ExtendWith(PostgresExtension.class)
class ExtProcDrainTest {

  @Test
  void streamsInFlightAreAnsweredDuringTheGraceAndCutOnlyAfterIt(Database db) throws Exception {
    GatewayHarness gateway =
        new GatewayHarness(db, Admission.ADMIT_ALL, 1 << 20, Duration.ofSeconds(2));
    TestConfig.IssuedKey key = gateway.config.key("drain");
    gateway.awaitConfig();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", gateway.server.port()).usePlaintext().build();
    try {
      LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
      StreamObserver<ProcessingRequest> stream = open(channel, inbox);
      stream.onNext(headers("/v1/models", key.secret()));
      assertThat(inbox.poll(20, TimeUnit.SECONDS)).isInstanceOf(ProcessingResponse.class);

      long start = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
      Thread.sleep(1000);
      // Still draining: the stream in flight is answered, not reset.
      assertThat(closing).isNotDone();
      stream.onNext(headers("/v1/models", key.secret()));
      Object answer = inbox.poll(20, TimeUnit.SECONDS);
      assertThat(answer).isInstanceOf(ProcessingResponse.class);

      // A stream still open at the end of the grace is cut, and close() returns then.
      closing.get(20, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      // The grace (2 s), not the old fixed 10 s; room for a loaded build machine.
      assertThat(seconds).isBetween(1.9, 8.0);
      assertThat(inbox.poll(20, TimeUnit.SECONDS)).isInstanceOf(Throwable.class);
    } finally {
      channel.shutdownNow();
    }
  }

  private static StreamObserver<ProcessingRequest> open(
      ManagedChannel channel, LinkedBlockingQueue<Object> inbox) {
    return ExternalProcessorGrpc.newStub(channel)
        .process(
            new StreamObserver<>() {
              @Override
              public void onNext(ProcessingResponse value) {
                inbox.add(value);
              }

              @Override
              public void onError(Throwable t) {
                inbox.add(t);
              }

              @Override
              public void onCompleted() {
                inbox.add("completed");
              }
            });
  }

  private static ProcessingRequest headers(String path, String key) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    map.addHeaders(HeaderValue.newBuilder().setKey(":method").setRawValue(bytes("GET")));
    map.addHeaders(HeaderValue.newBuilder().setKey(":path").setRawValue(bytes(path)));
    map.addHeaders(
        HeaderValue.newBuilder().setKey("authorization").setRawValue(bytes("Bearer " + key)));
    return ProcessingRequest.newBuilder()
        .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(true))
        .build();
  }

  private static com.google.protobuf.ByteString bytes(String value) {
    return com.google.protobuf.ByteString.copyFromUtf8(value);
  }
}
