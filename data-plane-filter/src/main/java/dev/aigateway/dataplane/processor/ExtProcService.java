package dev.aigateway.dataplane.processor;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC ExternalProcessor: one {@link RequestProcessor} per stream (one HTTP request). */
public final class ExtProcService extends ExternalProcessorGrpc.ExternalProcessorImplBase {
  private static final Logger log = LoggerFactory.getLogger(ExtProcService.class);

  private final ProcessorDependencies dependencies;

  public ExtProcService(ProcessorDependencies dependencies) {
    this.dependencies = requireNonNull(dependencies, "dependencies");
  }

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    RequestProcessor processor = new RequestProcessor(dependencies);
    return new StreamObserver<>() {
      @Override
      public void onNext(ProcessingRequest request) {
        ProcessingResponse response;
        try {
          response = processor.process(request);
        } catch (RuntimeException e) {
          // A bug here must not leak request content: log the type and where, not the message.
          log.error("ext_proc failed on {} ({})", request.getRequestCase(), e.getClass().getName());
          log.debug("ext_proc failure", e);
          response = processor.internalError();
        }
        responses.onNext(response);
      }

      @Override
      public void onError(Throwable t) {
        // Envoy cancels the stream when the HTTP exchange ends early; that is a normal end.
        if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
          log.debug("ext_proc stream ended with {}", Status.fromThrowable(t).getCode());
        }
        processor.streamClosed();
      }

      @Override
      public void onCompleted() {
        processor.streamClosed();
        responses.onCompleted();
      }
    };
  }
}
