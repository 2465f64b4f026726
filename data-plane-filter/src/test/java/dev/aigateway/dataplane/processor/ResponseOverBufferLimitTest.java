package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A buffered provider response over Envoy's buffer limit gets a direct 500 that bypasses the
 * encoder filters (filter_manager.cc responseDataTooLarge): the ext_proc sees the response headers,
 * then the stream ends without a body. The provider answered and billed, so the attempt that got it
 * records its status and charges the quota (what it could count), while the router point gives its
 * reservation back.
 */
@ExtendWith(PostgresExtension.class)
class ResponseOverBufferLimitTest {

  @Test
  void aResponseCutByEnvoyAfterItsHeadersIsRecordedAndCharged(Database db) throws Exception {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    Admission admission =
        new Admission() {
          @Override
          public AdmissionDecision admit(AdmissionRequest request) {
            return new AdmissionDecision.Admitted(
                new AdmissionTicket() {
                  @Override
                  public void settle(UsageRecord record) {
                    outcomes.add("settle " + record.status());
                  }

                  @Override
                  public void release(UsageRecord record) {
                    outcomes.add("release");
                  }
                });
          }

          @Override
          public void charge(UsageRecord attempt) {
            outcomes.add("charge " + attempt.status());
          }
        };
    try (GatewayHarness gateway = new GatewayHarness(db, admission, 1 << 20)) {
      var provider =
          gateway.config.provider(
              "openai-big", "openai", "https://api.openai.test", "{}", "sk-upstream");
      gateway.config.model("embed", TestConfig.target(provider, "text-embedding-3-large"));
      TestConfig.IssuedKey key = gateway.config.key("big");
      gateway.awaitConfig();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", gateway.server.port()).usePlaintext().build();
      try {
        LinkedBlockingQueue<Object> routerInbox = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingRequest> router =
            ExternalProcessorGrpc.newStub(channel).process(collect(routerInbox));
        byte[] body = "{\"model\":\"embed\",\"input\":\"hi\"}".getBytes();
        Map<String, String> client =
            Map.of(
                ":method", "POST",
                ":path", "/v1/embeddings",
                "content-type", "application/json",
                "content-length", Integer.toString(body.length),
                "authorization", "Bearer " + key.secret());
        router.onNext(headers(client, false, true));
        assertThat(routerInbox.poll(20, TimeUnit.SECONDS)).isInstanceOf(ProcessingResponse.class);
        ProcessingRequest requestBody =
            ProcessingRequest.newBuilder()
                .setRequestBody(
                    HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(true))
                .build();
        router.onNext(requestBody);
        ProcessingResponse routed = (ProcessingResponse) routerInbox.poll(20, TimeUnit.SECONDS);
        Map<String, String> attemptHeaders = new HashMap<>(client);
        routed
            .getRequestBody()
            .getResponse()
            .getHeaderMutation()
            .getSetHeadersList()
            .forEach(
                h ->
                    attemptHeaders.put(
                        h.getHeader().getKey(), h.getHeader().getRawValue().toStringUtf8()));

        // The attempt: its own stream, told apart by the gRPC metadata, with the endpoint's
        // metadata as attributes.
        Metadata metadata = new Metadata();
        metadata.put(
            Metadata.Key.of("x-gateway-processing-point", Metadata.ASCII_STRING_MARSHALLER),
            "attempt");
        LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingRequest> stream =
            ExternalProcessorGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
                .process(collect(inbox));
        Struct.Builder attributes = Struct.newBuilder();
        Map.of(
                "provider",
                "openai-big",
                "target",
                "t-big",
                "upstream_model",
                "text-embedding-3-large")
            .forEach(
                (k, v) ->
                    attributes.putFields(
                        AttemptTarget.attribute(k), Value.newBuilder().setStringValue(v).build()));
        stream.onNext(
            headers(attemptHeaders, false, true).toBuilder()
                .putAttributes(AttemptTarget.ATTRIBUTES, attributes.build())
                .build());
        assertThat(inbox.poll(20, TimeUnit.SECONDS)).isInstanceOf(ProcessingResponse.class);
        stream.onNext(requestBody);
        ProcessingResponse translated = (ProcessingResponse) inbox.poll(20, TimeUnit.SECONDS);
        assertThat(translated.hasRequestBody()).isTrue();
        stream.onNext(
            headers(Map.of(":status", "200", "content-type", "application/json"), false, false));
        assertThat(inbox.poll(20, TimeUnit.SECONDS)).isInstanceOf(ProcessingResponse.class);
        // Envoy's buffer overflowed: it answers the client itself and ends both ext_proc streams.
        stream.onCompleted();
        router.onCompleted();

        UsageRecord record = gateway.nextUsage();
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.provider()).isEqualTo("openai-big");
        assertThat(record.attempt()).isEqualTo(1);
        assertThat(record.usageReported()).isFalse();
        // The attempt charges right after its record is written; the router point releases.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outcomes.size() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(outcomes).containsExactlyInAnyOrder("charge 200", "release");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static StreamObserver<ProcessingResponse> collect(LinkedBlockingQueue<Object> inbox) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ProcessingResponse value) {
        inbox.add(value);
      }

      @Override
      public void onError(Throwable t) {
        inbox.add(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  private static ProcessingRequest headers(
      Map<String, String> values, boolean endOfStream, boolean request) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    values.forEach(
        (k, v) ->
            map.addHeaders(
                HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFromUtf8(v))));
    HttpHeaders h = HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(endOfStream).build();
    return request
        ? ProcessingRequest.newBuilder().setRequestHeaders(h).build()
        : ProcessingRequest.newBuilder().setResponseHeaders(h).build();
  }
}
