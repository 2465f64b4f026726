package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * The fuzz suite's response side (docs/security.md): provider streams (OpenAI and Gemini SSE,
 * Anthropic SSE, Bedrock's AWS event stream), from the committed seeds with flipped, cut and
 * inserted bytes and split at random points, through the processor's streaming translation for both
 * input APIs. The finding would be an exception escaping, or a request not metered once.
 */
class ResponseStreamFuzzTest {

  /** A seed stream, the model whose schema produces it, and the content type it comes with. */
  record Stream(String file, String model, String contentType) {}

  private static final List<Stream> STREAMS =
      List.of(
          new Stream("openai.sse", "m-openai", "text/event-stream"),
          new Stream("anthropic.sse", "m-anthropic", "text/event-stream"),
          new Stream("gemini.sse", "m-gemini", "text/event-stream"),
          new Stream("bedrock.events", "m-aws-bedrock", "application/vnd.amazon.eventstream"));

  record Case(
      int stream,
      boolean messagesApi,
      List<FuzzSeeds.ByteMutation> mutations,
      List<Integer> cuts) {}

  @Provide
  Arbitrary<Case> streams() {
    return Combinators.combine(
            Arbitraries.integers().between(0, STREAMS.size() - 1),
            Arbitraries.of(true, false),
            FuzzSeeds.byteMutations().list().ofMaxSize(3),
            Arbitraries.integers().between(0, 4096).list().ofMaxSize(8))
        .as(Case::new);
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void anyStreamIsTranslatedWithoutAnExceptionAndMeteredOnce(@ForAll("streams") Case c) {
    Stream s = STREAMS.get(c.stream());
    byte[] bytes = seed(s);
    for (FuzzSeeds.ByteMutation m : c.mutations()) {
      bytes = m.apply(bytes);
    }
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    String request =
        c.messagesApi()
            ? "{\"model\":\""
                + s.model()
                + "\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            : "{\"model\":\""
                + s.model()
                + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    ProcessingResponse forwarded =
        InMemoryGateway.post(p, c.messagesApi() ? "/v1/messages" : "/v1/chat/completions", request);
    assertThat(forwarded.hasRequestBody()).isTrue();

    p.process(InMemoryGateway.responseHeaders(200, s.contentType()));
    List<byte[]> chunks = split(bytes, c.cuts());
    for (int i = 0; i < chunks.size(); i++) {
      // An exception escaping here is what ExtProcService turns into a broken stream.
      p.process(InMemoryGateway.responseBody(chunks.get(i), i == chunks.size() - 1));
    }
    p.streamClosed();

    assertThat(gateway.records).hasSize(1);
    UsageRecord r = gateway.records.get(0);
    assertThat(r.source()).isIn(UsageSource.REPORTED, UsageSource.COUNTED);
    assertThat(r.usage().inputTokens()).isNotNegative();
    assertThat(r.usage().outputTokens()).isNotNegative();
  }

  private static List<byte[]> split(byte[] bytes, List<Integer> cuts) {
    List<Integer> points = new ArrayList<>();
    for (int cut : cuts) {
      if (bytes.length > 0) {
        points.add(Math.floorMod(cut, bytes.length));
      }
    }
    points.sort(Integer::compare);
    List<byte[]> chunks = new ArrayList<>();
    int from = 0;
    for (int at : points) {
      chunks.add(java.util.Arrays.copyOfRange(bytes, from, at));
      from = at;
    }
    chunks.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
    return chunks;
  }

  private static byte[] seed(Stream s) {
    try {
      byte[] raw = Files.readAllBytes(FuzzSeeds.DIR.resolve("streams").resolve(s.file()));
      if (!s.file().endsWith(".events")) {
        return raw;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String line : new String(raw, StandardCharsets.UTF_8).split("\n")) {
        int tab = line.indexOf('\t');
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString("event"));
        headers.put(":event-type", HeaderValue.fromString(line.substring(0, tab)));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        out.writeBytes(
            new Message(headers, line.substring(tab + 1).getBytes(StandardCharsets.UTF_8))
                .toByteBuffer()
                .array());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
