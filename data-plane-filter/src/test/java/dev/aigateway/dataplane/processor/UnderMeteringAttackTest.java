package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.InMemoryGateway.post;
import static dev.aigateway.dataplane.processor.InMemoryGateway.responseBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 attack 4 against the request processor: a client that cuts a stream or hangs up before
 * the response is still charged for what the provider may have served.
 */
class UnderMeteringAttackTest {
  private static final String STREAM =
      "{\"model\":\"m-openai\",\"stream\":true,\"max_tokens\":200,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}";

  private static byte[] chunk(String text) {
    return ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\""
            + text
            + "\"}}]}\n\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aStreamCutByTheClientIsMeteredByCountingWhatWasDelivered() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    post(p, "/v1/chat/completions", STREAM);
    p.process(responseHeaders(200, "text/event-stream"));
    p.process(responseBody(chunk("Once upon a time there was"), false));
    p.process(responseBody(chunk(" a gateway that counted every"), false));
    // The client goes away: Envoy ends the ext_proc stream, no usage chunk ever came.
    p.streamClosed();

    UsageRecord r = gateway.records.get(0);
    assertThat(r.source()).isEqualTo(UsageSource.COUNTED);
    assertThat(r.usage().outputTokens()).isBetween(8L, 16L);
    assertThat(r.usage().inputTokens()).isPositive();
    // The router point gives its reservation back; the attempt charges what it counted.
    assertThat(gateway.holds.get(0).fate).isEqualTo("released");
    assertThat(gateway.charges).containsExactly(r);
  }

  @Test
  void aClientThatHangsUpBeforeResponseHeadersIsChargedItsReservation() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    post(p, "/v1/chat/completions", STREAM);
    p.streamClosed();

    UsageRecord r = gateway.records.get(0);
    assertThat(r.status()).isZero();
    assertThat(r.source()).isEqualTo(UsageSource.RESERVED);
    assertThat(r.usage().outputTokens()).isEqualTo(200);
    // The attempt charges the reservation; the router point's own hold is given back.
    assertThat(gateway.charges).containsExactly(r);
    assertThat(gateway.holds.get(0).fate).isEqualTo("released");
  }

  @Test
  void aProviderThatNeverReportsUsageIsMeteredByCounting() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    post(
        p,
        "/v1/chat/completions",
        "{\"model\":\"m-openai-compatible\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    p.process(responseHeaders(200, "application/json"));
    p.process(
        responseBody(
            ("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"one two three four five six\"},"
                    + "\"finish_reason\":\"stop\"}]}")
                .getBytes(StandardCharsets.UTF_8),
            true));

    UsageRecord r = gateway.records.get(0);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.source()).isEqualTo(UsageSource.COUNTED);
    assertThat(r.usage().outputTokens()).isEqualTo(6);
  }

  @Test
  void anUpstreamErrorUsesNothing() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    post(p, "/v1/chat/completions", STREAM);
    p.process(responseHeaders(503, "application/json"));
    p.process(responseBody("{\"error\":{\"message\":\"busy\"}}".getBytes(), true));

    assertThat(gateway.records.get(0).source()).isEqualTo(UsageSource.NONE);
  }

  @Test
  void theLedgerIdIsTheGatewaysAndTheClientIdIsKeptApartCleaned() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    p.process(
        InMemoryGateway.headers(
            java.util.Map.of(
                ":method", "POST",
                ":path", "/v1/chat/completions",
                "authorization", "Bearer " + InMemoryGateway.KEY,
                "content-type", "application/json",
                "x-request-id", "a\u0000b" + "x".repeat(6_000)),
            false));
    p.process(
        io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.newBuilder()
            .setRequestBody(
                io.envoyproxy.envoy.service.ext_proc.v3.HttpBody.newBuilder()
                    .setBody(
                        com.google.protobuf.ByteString.copyFromUtf8(
                            "{\"model\":\"no\\u0000such" + "m".repeat(3_000) + "\"}"))
                    .setEndOfStream(true))
            .build());

    UsageRecord r = gateway.records.get(0);
    assertThat(r.status()).isEqualTo(404);
    assertThat(java.util.UUID.fromString(r.requestId())).isNotNull();
    assertThat(r.clientRequestId()).hasSize(128).startsWith("a?b").endsWith("...");
    assertThat(r.model()).hasSize(256).startsWith("no?such").doesNotContain("\u0000");
  }
}
