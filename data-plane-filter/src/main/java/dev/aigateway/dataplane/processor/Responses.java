package dev.aigateway.dataplane.processor;

import com.google.protobuf.ByteString;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.error.GatewayError;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.Map;

/** Builds the ext_proc answers; the one place a gateway error becomes a client response. */
final class Responses {
  static final ProcessingResponse REQUEST_HEADERS_CONTINUE =
      ProcessingResponse.newBuilder()
          .setRequestHeaders(HeadersResponse.getDefaultInstance())
          .build();
  static final ProcessingResponse REQUEST_BODY_CONTINUE =
      ProcessingResponse.newBuilder().setRequestBody(BodyResponse.getDefaultInstance()).build();
  static final ProcessingResponse RESPONSE_HEADERS_CONTINUE =
      ProcessingResponse.newBuilder()
          .setResponseHeaders(HeadersResponse.getDefaultInstance())
          .build();
  static final ProcessingResponse RESPONSE_BODY_CONTINUE =
      ProcessingResponse.newBuilder().setResponseBody(BodyResponse.getDefaultInstance()).build();
  static final ProcessingResponse REQUEST_TRAILERS_CONTINUE =
      ProcessingResponse.newBuilder()
          .setRequestTrailers(TrailersResponse.getDefaultInstance())
          .build();
  static final ProcessingResponse RESPONSE_TRAILERS_CONTINUE =
      ProcessingResponse.newBuilder()
          .setResponseTrailers(TrailersResponse.getDefaultInstance())
          .build();

  private Responses() {}

  /** A local reply in the error shape of the API the client called. */
  static ProcessingResponse error(GatewayError error, ErrorShape shape) {
    HeaderMutation.Builder headers =
        HeaderMutation.newBuilder().addSetHeaders(Headers.set("content-type", "application/json"));
    error.headers().forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    return immediate(error.status(), headers, shape.body(error), "ai_gateway_" + error.type());
  }

  /** A local JSON reply (for example the model list). */
  static ProcessingResponse json(int status, byte[] body, Map<String, String> extraHeaders) {
    HeaderMutation.Builder headers =
        HeaderMutation.newBuilder().addSetHeaders(Headers.set("content-type", "application/json"));
    extraHeaders.forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    return immediate(status, headers, body, "ai_gateway_local_reply");
  }

  private static ProcessingResponse immediate(
      int status, HeaderMutation.Builder headers, byte[] body, String details) {
    return ProcessingResponse.newBuilder()
        .setImmediateResponse(
            ImmediateResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCode(statusCode(status)))
                .setHeaders(headers)
                .setBody(ByteString.copyFrom(body))
                .setDetails(details))
        .build();
  }

  private static StatusCode statusCode(int status) {
    StatusCode code = StatusCode.forNumber(status);
    return code == null ? StatusCode.InternalServerError : code;
  }

  static CommonResponse.Builder common(HeaderMutation.Builder headers) {
    return CommonResponse.newBuilder().setHeaderMutation(headers);
  }
}
