package dev.aigateway.dataplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.tls.DevCertificates;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 6, replayed: a peer that reaches the ext_proc port with a valid client key asks for
 * a chat completion and reads the provider's API key from the header mutation. With mutual TLS only
 * a client whose certificate the gateway's CA signed gets an answer. Since issue 19 the provider
 * key is handed out by the per-attempt processing point, so the attack plays that point (its gRPC
 * metadata, the router point's headers, an endpoint's metadata).
 */
@ExtendWith(PostgresExtension.class)
class ExtProcMutualTlsTest {
  private static final String PROVIDER_KEY = "sk-upstream-must-stay-secret";
  private static final String CHAT =
      "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static Path dir;
  private static TlsFiles gatewayCa;
  private static TlsFiles otherCa;
  private static ExtProcServer server;
  private static String clientKey;
  private static TestConfig.IssuedKey issued;

  @BeforeAll
  static void start(Database db) throws Exception {
    dir = Files.createTempDirectory("ext-proc-mtls");
    gatewayCa = DevCertificates.create(dir.resolve("gateway"), List.of());
    otherCa = DevCertificates.create(dir.resolve("other"), List.of());
    TestConfig config = new TestConfig(db);
    var provider =
        config.provider("openai-main", "openai", "https://api.openai.com/v1", "{}", PROVIDER_KEY);
    config.model("chat", TestConfig.target(provider, "gpt-5-nano"));
    issued = config.key("main");
    clientKey = issued.secret();
    server =
        ExtProcServer.start(
            new ExtProcSettings("127.0.0.1", 0, dir, TestConfig.SECRET_KEY, List.of(), 1 << 20)
                .withTls(gatewayCa),
            db,
            new SimpleMeterRegistry(),
            Admission.ADMIT_ALL,
            record -> {});
    long wanted = config.revision();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.configRevision() < wanted && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void plaintextClientWithAValidKeyGetsNoAnswerAndNoProviderKey() throws Exception {
    Attempt attempt = attack(InsecureChannelCredentials.create());
    assertThat(attempt.error()).isNotNull();
    assertThat(attempt.leakedProviderKey()).isFalse();
    assertThat(attempt.answers()).isEmpty();
  }

  @Test
  void tlsClientWithoutACertificateIsRefused() throws Exception {
    Attempt attempt =
        attack(TlsChannelCredentials.newBuilder().trustManager(gatewayCa.ca().toFile()).build());
    assertThat(attempt.error()).isNotNull();
    assertThat(attempt.answers()).isEmpty();
  }

  @Test
  void clientCertificateFromAnotherCaIsRefused() throws Exception {
    Attempt attempt =
        attack(
            TlsChannelCredentials.newBuilder()
                .keyManager(otherCa.cert().toFile(), otherCa.key().toFile())
                .trustManager(gatewayCa.ca().toFile())
                .build());
    assertThat(attempt.error()).isNotNull();
    assertThat(attempt.answers()).isEmpty();
  }

  @Test
  void clientWithACertificateFromTheGatewayCaIsServed() throws Exception {
    Attempt attempt = attack(gatewayCa.channelCredentials());
    assertThat(attempt.error()).isNull();
    assertThat(attempt.answers()).hasSize(2);
    // The legitimate Envoy gets what it needs to call the provider.
    assertThat(attempt.leakedProviderKey()).isTrue();
  }

  private record Attempt(List<ProcessingResponse> answers, Throwable error) {
    boolean leakedProviderKey() {
      return answers.stream().anyMatch(a -> a.toString().contains(PROVIDER_KEY));
    }
  }

  /** What the attacker did: request headers with a client key, then the body, as Envoy would. */
  private static Attempt attack(ChannelCredentials credentials) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", server.port(), credentials).build();
    try {
      List<ProcessingResponse> answers = new CopyOnWriteArrayList<>();
      Throwable[] error = new Throwable[1];
      CountDownLatch done = new CountDownLatch(1);
      Metadata point = new Metadata();
      point.put(
          Metadata.Key.of("x-gateway-processing-point", Metadata.ASCII_STRING_MARSHALLER),
          "attempt");
      StreamObserver<ProcessingRequest> out =
          ExternalProcessorGrpc.newStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(point))
              .process(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingResponse value) {
                      answers.add(value);
                      if (answers.size() == 2) {
                        done.countDown();
                      }
                    }

                    @Override
                    public void onError(Throwable t) {
                      error[0] = t;
                      done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                      done.countDown();
                    }
                  });
      Struct.Builder endpoint = Struct.newBuilder();
      Map.of("provider", "openai-main", "target", "t-1", "upstream_model", "gpt-5-nano")
          .forEach(
              (k, v) ->
                  endpoint.putFields(
                      "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['" + k + "']",
                      Value.newBuilder().setStringValue(v).build()));
      out.onNext(
          ProcessingRequest.newBuilder()
              .setRequestHeaders(
                  headers(
                      Map.of(
                          ":method", "POST",
                          ":path", "/v1/chat/completions",
                          ":authority", "gateway",
                          "content-type", "application/json",
                          "authorization", "Bearer " + clientKey,
                          "x-gateway-model", "chat",
                          "x-gateway-request-id", "r-1",
                          "x-gateway-key-id", issued.id().toString(),
                          "x-gateway-team-id", issued.teamId().toString())))
              .putAttributes("envoy.filters.http.ext_proc", endpoint.build())
              .build());
      out.onNext(
          ProcessingRequest.newBuilder()
              .setRequestBody(
                  HttpBody.newBuilder().setBody(ByteString.copyFromUtf8(CHAT)).setEndOfStream(true))
              .build());
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      out.onCompleted();
      return new Attempt(List.copyOf(answers), error[0]);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static HttpHeaders headers(Map<String, String> headers) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    headers.forEach(
        (k, v) ->
            map.addHeaders(
                HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFromUtf8(v))));
    return HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(false).build();
  }
}
