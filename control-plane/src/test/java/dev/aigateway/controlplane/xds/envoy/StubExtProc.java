package dev.aigateway.controlplane.xds.envoy;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;

/**
 * A minimal stand-in for the data-plane filter, speaking only the routing contract: after the
 * buffered request body it sets {@code x-gateway-provider} with {@code clear_route_cache}; every
 * other phase continues unchanged.
 */
final class StubExtProc extends ExternalProcessorGrpc.ExternalProcessorImplBase {
  private final String provider;

  StubExtProc(String provider) {
    this.provider = provider;
  }

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ProcessingRequest request) {
        ProcessingResponse.Builder response = ProcessingResponse.newBuilder();
        CommonResponse.Builder common = CommonResponse.newBuilder();
        switch (request.getRequestCase()) {
          case REQUEST_HEADERS ->
              response.setRequestHeaders(HeadersResponse.newBuilder().setResponse(common));
          case REQUEST_BODY ->
              response.setRequestBody(
                  BodyResponse.newBuilder()
                      .setResponse(
                          common
                              .setHeaderMutation(
                                  HeaderMutation.newBuilder()
                                      .addSetHeaders(
                                          HeaderValueOption.newBuilder()
                                              .setHeader(
                                                  HeaderValue.newBuilder()
                                                      .setKey("x-gateway-provider")
                                                      .setRawValue(
                                                          ByteString.copyFrom(
                                                              provider, StandardCharsets.UTF_8)))))
                              .setClearRouteCache(true)));
          case RESPONSE_HEADERS ->
              response.setResponseHeaders(HeadersResponse.newBuilder().setResponse(common));
          case RESPONSE_BODY ->
              response.setResponseBody(BodyResponse.newBuilder().setResponse(common));
          default -> {
            return; // trailers are SKIP in the generated filter config
          }
        }
        responses.onNext(response.build());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }
}
