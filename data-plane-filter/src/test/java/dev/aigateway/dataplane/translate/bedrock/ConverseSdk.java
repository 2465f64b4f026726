package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.dataplane.translate.chat.Providers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.protocols.json.internal.unmarshall.JsonProtocolUnmarshaller;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;

/**
 * The AWS SDK for Java v2 as the judge of a translated Converse body: the body is read into the
 * SDK's {@link ConverseRequest} model with the SDK's own JSON unmarshaller (fields it does not know
 * are dropped), then sent by {@link BedrockRuntimeClient} to a loopback server. The JSON the SDK
 * writes equals ours only if every field we wrote is one the SDK's model has, in its shape.
 */
final class ConverseSdk {
  private ConverseSdk() {}

  /** What the SDK sends for {@code body} read into its model. */
  static JsonNode resend(byte[] body, String modelId) {
    ConverseRequest parsed = parse(body).toBuilder().modelId(modelId).build();
    AtomicReference<byte[]> sent = new AtomicReference<>();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          sent.set(exchange.getRequestBody().readAllBytes());
          byte[] answer =
              ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},"
                      + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":1,\"outputTokens\":1,"
                      + "\"totalTokens\":2},\"metrics\":{\"latencyMs\":1}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    try (BedrockRuntimeClient client =
        BedrockRuntimeClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
            .build()) {
      client.converse(parsed);
    } finally {
      server.stop(0);
    }
    return Providers.tree(sent.get());
  }

  static ConverseRequest parse(byte[] body) {
    JsonProtocolUnmarshaller unmarshaller =
        JsonProtocolUnmarshaller.builder()
            .parser(JsonNodeParser.create())
            .defaultTimestampFormats(Map.of())
            .protocolUnmarshallDependencies(
                JsonProtocolUnmarshaller.defaultProtocolUnmarshallDependencies())
            .build();
    SdkHttpFullResponse carrier =
        SdkHttpFullResponse.builder()
            .statusCode(200)
            .content(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
    try {
      Object result = unmarshaller.unmarshall(ConverseRequest.builder(), carrier);
      return result instanceof ConverseRequest request
          ? request
          : ((ConverseRequest.Builder) result).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
