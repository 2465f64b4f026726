package dev.aigateway.dataplane.processor;

import com.google.protobuf.ByteString;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.telemetry.RequestTrace;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Translator;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The response phase of one attempt: the provider's answer translated back to the client's API
 * (streamed event by event, or buffered), its usage handed to the {@link AttemptMeter}.
 */
final class AttemptResponse {
  private final Translator translator;
  private final ClientCall call;
  private final AttemptMeter meter;
  private final RequestTrace trace;
  private int status;
  private String contentType = "";
  private ResponseEncoding encoding = ResponseEncoding.IDENTITY;
  private boolean streaming;

  AttemptResponse(Translator translator, ClientCall call, AttemptMeter meter, RequestTrace trace) {
    this.translator = translator;
    this.call = call;
    this.meter = meter;
    this.trace = trace;
  }

  ProcessingResponse headers(
      HttpHeaders message, Map<String, String> headers, int status, Map<String, String> added) {
    this.status = status;
    meter.upstreamStatus(status);
    contentType = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
    HeaderMutation.Builder mutation = HeaderMutation.newBuilder();
    mutation.addAllRemoveHeaders(HeaderHygiene.responseRemovals(headers));
    added.forEach((n, v) -> mutation.addSetHeaders(Headers.set(n, v)));
    encoding = ResponseEncoding.of(headers.get("content-encoding"));
    if (encoding != ResponseEncoding.IDENTITY) {
      mutation.addRemoveHeaders("content-encoding");
    }
    boolean streams = translator.startResponse(status, contentType, headers);
    if (!encoding.decodable() || (streams && encoding != ResponseEncoding.IDENTITY)) {
      // Never hand compressed bytes to a translator as if they were text.
      return reject(
          GatewayError.badGateway(
              "The provider answered with content-encoding '"
                  + ClientCall.truncate(headers.getOrDefault("content-encoding", ""))
                  + "', which the gateway cannot read."),
          added);
    }
    ProcessingResponse.Builder response = ProcessingResponse.newBuilder();
    if (streams) {
      streaming = true;
      meter.streaming();
      // The length was kept when the headers arrived (mode BUFFERED then), and chunks may change.
      mutation.addRemoveHeaders("content-length");
      if (!contentType.startsWith("text/event-stream")) {
        // For example Bedrock's binary event stream, which the translator turns into SSE.
        mutation.addSetHeaders(Headers.set("content-type", "text/event-stream; charset=utf-8"));
      }
      response.setModeOverride(
          ProcessingMode.newBuilder()
              .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
              .setResponseBodyMode(ProcessingMode.BodySendMode.STREAMED));
    }
    if (message.getEndOfStream()) {
      meter.finish(status);
    }
    return response
        .setResponseHeaders(HeadersResponse.newBuilder().setResponse(Responses.common(mutation)))
        .build();
  }

  ProcessingResponse body(HttpBody message) {
    byte[] body = message.getBody().toByteArray();
    boolean end = message.getEndOfStream();
    boolean decoded = false;
    if (encoding != ResponseEncoding.IDENTITY) {
      // Buffered (streams were refused at the headers): the whole body is here.
      try {
        body = encoding.decode(body);
        decoded = true;
      } catch (IOException e) {
        return reject(
            GatewayError.badGateway("The provider's compressed response could not be decoded."),
            Map.of());
      }
    }
    byte @Nullable [] replacement;
    if (streaming) {
      meter.firstChunk();
      BodyResult result = translator.responseBody(body, end);
      meter.usage(result.usage());
      replacement = result.body();
      meter.deliver(replacement != null ? replacement : body, true);
    } else if (status >= 200 && status < 300) {
      BodyResult result = translator.responseBody(body, end);
      if (result.error() != null) {
        // The headers are still held (BUFFERED), so a local reply can replace the upstream 2xx.
        return reject(result.error(), Map.of());
      }
      meter.usage(result.usage());
      replacement = result.body();
      meter.deliver(replacement != null ? replacement : body, false);
    } else if (status >= 400) {
      replacement = translator.responseError(status, contentType, body);
    } else {
      replacement = null;
    }
    trace.responseBody(replacement == null ? body : replacement, streaming);
    if (end) {
      meter.finish(status);
    }
    if (replacement == null && decoded) {
      // content-encoding was removed at the headers, so the body must be the decoded one.
      replacement = body;
    }
    if (replacement == null) {
      return Responses.RESPONSE_BODY_CONTINUE;
    }
    CommonResponse.Builder common =
        CommonResponse.newBuilder()
            .setBodyMutation(BodyMutation.newBuilder().setBody(ByteString.copyFrom(replacement)));
    if (!streaming) {
      // Buffered: the headers are still held, and Envoy rejects a body whose length mismatches.
      HeaderMutation.Builder headers =
          HeaderMutation.newBuilder()
              .addSetHeaders(Headers.set("content-length", Integer.toString(replacement.length)));
      if (status >= 400) {
        headers.addSetHeaders(Headers.set("content-type", "application/json"));
      }
      common.setHeaderMutation(headers);
    }
    return ProcessingResponse.newBuilder()
        .setResponseBody(BodyResponse.newBuilder().setResponse(common))
        .build();
  }

  private ProcessingResponse reject(GatewayError error, Map<String, String> added) {
    meter.finish(error.status());
    Map<String, String> headers = new java.util.HashMap<>(error.headers());
    headers.putAll(added);
    return Responses.error(
        new GatewayError(
            error.status(), error.type(), error.code(), error.param(), error.message(), headers),
        call.errorShape());
  }
}
