package dev.aigateway.proxy;

import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A scriptable ext_proc gRPC server recording every message it receives. */
final class FakeExtProc implements AutoCloseable {

  /** Decides what to answer to one message; may answer later, or not at all. */
  interface Script {
    void onMessage(ProcessingRequest request, StreamObserver<ProcessingResponse> out);
  }

  static final Script CONTINUE = (req, out) -> out.onNext(continueFor(req));

  final List<ProcessingRequest> received = new CopyOnWriteArrayList<>();
  volatile Script script = CONTINUE;
  private final Server server;

  FakeExtProc() throws IOException {
    this(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()));
  }

  /** Serves on the server {@code builder} configures (address, event loops, executor). */
  FakeExtProc(ServerBuilder<?> builder) throws IOException {
    server =
        builder
            .addService(
                new ExternalProcessorGrpc.ExternalProcessorImplBase() {
                  @Override
                  public StreamObserver<ProcessingRequest> process(
                      StreamObserver<ProcessingResponse> out) {
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(ProcessingRequest value) {
                        received.add(value);
                        script.onMessage(value, out);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        out.onCompleted();
                      }
                    };
                  }
                })
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  /** The plain CONTINUE answer for any message. */
  static ProcessingResponse continueFor(ProcessingRequest req) {
    var b = ProcessingResponse.newBuilder();
    switch (req.getRequestCase()) {
      case REQUEST_HEADERS -> b.setRequestHeaders(HeadersResponse.getDefaultInstance());
      case RESPONSE_HEADERS -> b.setResponseHeaders(HeadersResponse.getDefaultInstance());
      case REQUEST_BODY -> b.setRequestBody(BodyResponse.getDefaultInstance());
      case RESPONSE_BODY -> b.setResponseBody(BodyResponse.getDefaultInstance());
      default -> throw new IllegalArgumentException(req.getRequestCase().toString());
    }
    return b.build();
  }

  /**
   * An answer to request headers that mutates them and replaces the body (CONTINUE_AND_REPLACE).
   */
  static ProcessingResponse replaceBodyAtHeaders(
      io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation headers, String body) {
    return ProcessingResponse.newBuilder()
        .setRequestHeaders(
            HeadersResponse.newBuilder()
                .setResponse(
                    io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse.newBuilder()
                        .setStatus(
                            io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse.ResponseStatus
                                .CONTINUE_AND_REPLACE)
                        .setHeaderMutation(headers)
                        .setClearRouteCache(true)
                        .setBodyMutation(
                            io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation.newBuilder()
                                .setBody(com.google.protobuf.ByteString.copyFromUtf8(body)))))
        .build();
  }

  List<ProcessingRequest.RequestCase> phases() {
    return received.stream().map(ProcessingRequest::getRequestCase).toList();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
