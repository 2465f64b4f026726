package dev.aigateway.dataplane.processor;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.usage.GenAiMetrics;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * CPU cost of the ext_proc's processing, without gRPC transport: one whole non-streaming chat
 * exchange (request headers, 1 KB request body, response headers, 1 KB response body) and one
 * streamed response chunk. Single-threaded, so time is CPU time on this thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProcessingBenchmark {
  private static final String KEY = "sk-gw-benchmarkbenchmarkbenchmarkbenchmark0000";

  /** With the default admission (no token count) and with one that needs the jtokkit estimate. */
  @Param({"false", "true"})
  public boolean estimateTokens;

  /** Whether the gateway added include_usage itself, so chunks must be rewritten. */
  @Param({"false", "true"})
  public boolean stripUsage;

  private ProcessorDependencies deps;
  private ProcessingRequest requestHeaders;
  private ProcessingRequest requestBody;
  private ProcessingRequest responseHeaders;
  private ProcessingRequest responseBody;
  private ProcessingRequest routerResponseHeaders;
  private ProcessingRequest streamHeadersRequest;
  private ProcessingRequest streamBody;
  private ProcessingRequest sseHeaders;
  private ProcessingRequest chunk;
  private ProcessingRequest attemptHeaders;
  private ProcessingRequest streamAttemptHeaders;
  private Cooldowns cooldowns;
  private AttemptProcessor streaming;

  @Setup
  public void setUp() {
    ProviderConfig provider =
        new ProviderConfig(
            UUID.randomUUID(),
            "openai",
            ProviderSchema.OPENAI,
            "openai",
            "https://api.openai.com",
            "",
            Map.of(),
            List.of(
                new UpstreamCredential(
                    UUID.randomUUID(),
                    CredentialKind.API_KEY,
                    "1234",
                    Map.of("api_key", "sk-upstream-1234"))));
    ModelConfig model =
        ModelConfig.of(
            UUID.randomUUID(), "chat", 0, List.of(new ModelTarget(provider, "gpt-4o-mini", 1, 0)));
    ClientKey key =
        new ClientKey(
            UUID.randomUUID(),
            "bench",
            UUID.randomUUID(),
            KEY.substring(0, 12),
            Set.of(),
            null,
            null);
    ConfigSnapshot snapshot =
        new ConfigSnapshot(
            1,
            Map.of("openai", provider),
            Map.of("chat", model),
            Map.of(HexFormat.of().formatHex(Hashes.sha256(KEY)), key));
    Admission admission =
        estimateTokens
            ? request -> new AdmissionDecision.Admitted(AdmissionTicket.NONE)
            : Admission.ADMIT_ALL;
    deps =
        ProcessorDependencies.of(
            () -> snapshot,
            admission,
            new GenAiMetrics(new SimpleMeterRegistry(), name -> true),
            new CredentialInjector(),
            1 << 20);

    String text = "Please summarise the following paragraph in one sentence. ".repeat(14);
    String chat =
        "{\"model\":\"chat\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
            + "{\"role\":\"user\",\"content\":\""
            + text
            + "\"}],\"temperature\":0.2,\"max_tokens\":200}";
    requestHeaders =
        headers(
            false,
            Map.of(
                ":method",
                "POST",
                ":path",
                "/v1/chat/completions",
                ":authority",
                "gateway",
                "content-type",
                "application/json",
                "authorization",
                "Bearer " + KEY,
                "content-length",
                Integer.toString(chat.length()),
                "x-request-id",
                "r-1"));
    requestBody = body(false, chat, true);
    responseHeaders = headers(true, Map.of(":status", "200", "content-type", "application/json"));
    String completion =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1755137933,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
            + "The paragraph asks for a summary. ".repeat(22)
            + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":180,\"completion_tokens\":160,"
            + "\"total_tokens\":340,\"prompt_tokens_details\":{\"cached_tokens\":0}}}";
    responseBody = body(true, completion, true);
    routerResponseHeaders =
        headers(
            true,
            Map.of(
                ":status",
                "200",
                "content-type",
                "application/json",
                "x-gateway-attempts",
                "1",
                "x-gateway-served-by",
                "openai/gpt-4o-mini"));

    String streamingChat =
        chat.replace(
            "\"max_tokens\":200",
            "\"max_tokens\":200,\"stream\":true"
                + (stripUsage ? "" : ",\"stream_options\":{\"include_usage\":true}"));
    streamHeadersRequest = requestHeaders;
    streamBody = body(false, streamingChat, true);
    sseHeaders =
        headers(true, Map.of(":status", "200", "content-type", "text/event-stream; charset=utf-8"));
    chunk =
        body(
            true,
            "data: {\"id\":\"chatcmpl-C4HqHBe4xca0k0EzsCnf1t6V3YFXp\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1755137933,\"model\":\"gpt-4o-mini\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},"
                + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"LcdzdJdMMgDHt6\"}\n\n",
            false);
  }

  /**
   * The request headers the attempt point gets: the client's, plus what the router point set, plus
   * the chosen endpoint's metadata as Envoy sends it.
   */
  private ProcessingRequest routed(ProcessingRequest clientHeaders, ProcessingRequest clientBody) {
    RouterProcessor router = new RouterProcessor(deps);
    router.process(clientHeaders);
    ProcessingResponse route = router.process(clientBody);
    Map<String, String> held = new LinkedHashMap<>();
    clientHeaders
        .getRequestHeaders()
        .getHeaders()
        .getHeadersList()
        .forEach(h -> held.put(h.getKey(), h.getRawValue().toStringUtf8()));
    route
        .getRequestBody()
        .getResponse()
        .getHeaderMutation()
        .getSetHeadersList()
        .forEach(h -> held.put(h.getHeader().getKey(), h.getHeader().getRawValue().toStringUtf8()));
    Struct.Builder attributes = Struct.newBuilder();
    Map.of("provider", "openai", "target", "t-1", "upstream_model", "gpt-4o-mini")
        .forEach(
            (k, v) ->
                attributes.putFields(
                    AttemptTarget.attribute(k), Value.newBuilder().setStringValue(v).build()));
    return headers(false, held).toBuilder()
        .putAttributes(AttemptTarget.ATTRIBUTES, attributes.build())
        .build();
  }

  /** An attempt processor that has reached the streamed response body, ready for chunks. */
  @Setup(Level.Iteration)
  public void startStream() {
    cooldowns = new Cooldowns(java.time.Clock.systemUTC());
    attemptHeaders = routed(requestHeaders, requestBody);
    streamAttemptHeaders = routed(streamHeadersRequest, streamBody);
    streaming = new AttemptProcessor(deps, cooldowns);
    streaming.process(streamAttemptHeaders);
    streaming.process(streamBody);
    streaming.process(sseHeaders);
  }

  /**
   * CPU time of this thread, summed over an iteration: on a shared machine wall time also counts
   * the time other processes held the CPU, so the targets are checked against {@code cpuNanos /
   * ops} (both are sums, so their ratio is the mean CPU time per operation).
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    public long cpuNanos;
    public long ops;

    @Setup(Level.Iteration)
    public void reset() {
      cpuNanos = 0;
      ops = 0;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * {@value #EXCHANGES} whole exchanges per invocation: reading the thread CPU clock is a system
   * call that costs microseconds on a virtual machine, so it is amortized over a batch.
   */
  @Benchmark
  @OperationsPerInvocation(EXCHANGES)
  public void nonStreamingChatExchange(Blackhole bh, Cpu cpu) {
    exchanges(bh, cpu, false);
  }

  /**
   * Both processing points of one request, {@value #EXCHANGES} times: the router point's request
   * phases and its answer to the response headers, the attempt point's whole exchange.
   */
  private void exchanges(Blackhole bh, Cpu cpu, boolean handedOver) {
    BodyHandoff handoff = handedOver ? bodies : BodyHandoff.NONE;
    long start = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < EXCHANGES; i++) {
      RouterProcessor router = new RouterProcessor(deps, handoff);
      bh.consume(router.process(requestHeaders));
      ProcessingResponse route = router.process(requestBody);
      AttemptProcessor attempt = new AttemptProcessor(deps, cooldowns, handoff);
      if (handedOver) {
        ProcessingResponse translated = attempt.process(withRequestId(route));
        if (!translated.hasRequestHeaders()) {
          throw new IllegalStateException("the attempt did not translate at its headers");
        }
        bh.consume(translated);
      } else {
        bh.consume(route);
        bh.consume(attempt.process(attemptHeaders));
        bh.consume(attempt.process(requestBody));
      }
      bh.consume(attempt.process(responseHeaders));
      bh.consume(attempt.process(responseBody));
      attempt.streamClosed();
      bh.consume(router.process(routerResponseHeaders));
      router.streamClosed();
    }
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.ops += EXCHANGES;
  }

  private static final int EXCHANGES = 16;

  private final BodyHandoff bodies = new BodyHandoff();

  /**
   * The same exchange with both points on one replica (one {@code gateway run}): the attempt finds
   * the router point's parsed body and answers its request headers with the translated body, so
   * Envoy sends it no body. Its request headers are built from the router point's answer, as Envoy
   * does (a few µs of this loop are that building, which is Envoy's work, not the gateway's).
   */
  @Benchmark
  @OperationsPerInvocation(EXCHANGES)
  public void nonStreamingChatExchangeHandedOver(Blackhole bh, Cpu cpu) {
    exchanges(bh, cpu, true);
  }

  /** The attempt's request headers with the request id the router point just set. */
  private ProcessingRequest withRequestId(ProcessingResponse route) {
    String id = "";
    for (HeaderValueOption h :
        route.getRequestBody().getResponse().getHeaderMutation().getSetHeadersList()) {
      if (h.getHeader().getKey().equals(RoutedRequest.REQUEST_ID)) {
        id = h.getHeader().getRawValue().toStringUtf8();
      }
    }
    HeaderMap.Builder map = attemptHeaders.getRequestHeaders().getHeaders().toBuilder();
    for (int i = 0; i < map.getHeadersCount(); i++) {
      if (map.getHeaders(i).getKey().equals(RoutedRequest.REQUEST_ID)) {
        map.setHeaders(
            i, map.getHeaders(i).toBuilder().setRawValue(ByteString.copyFromUtf8(id)).build());
      }
    }
    return attemptHeaders.toBuilder()
        .setRequestHeaders(attemptHeaders.getRequestHeaders().toBuilder().setHeaders(map))
        .build();
  }

  /** {@value #CHUNKS} chunks per invocation, for the same reason. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void streamedChunk(Blackhole bh, Cpu cpu) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < CHUNKS; i++) {
      bh.consume(streaming.process(chunk));
    }
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.ops += CHUNKS;
  }

  private static final int CHUNKS = 256;

  private static ProcessingRequest headers(boolean response, Map<String, String> values) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    new LinkedHashMap<>(values)
        .forEach(
            (k, v) ->
                map.addHeaders(
                    HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFromUtf8(v))));
    HttpHeaders h = HttpHeaders.newBuilder().setHeaders(map).build();
    return response
        ? ProcessingRequest.newBuilder().setResponseHeaders(h).build()
        : ProcessingRequest.newBuilder().setRequestHeaders(h).build();
  }

  private static ProcessingRequest body(boolean response, String text, boolean end) {
    HttpBody b =
        HttpBody.newBuilder()
            .setBody(ByteString.copyFrom(text, StandardCharsets.UTF_8))
            .setEndOfStream(end)
            .build();
    return response
        ? ProcessingRequest.newBuilder().setResponseBody(b).build()
        : ProcessingRequest.newBuilder().setRequestBody(b).build();
  }
}
