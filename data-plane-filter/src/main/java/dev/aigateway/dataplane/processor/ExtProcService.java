package dev.aigateway.dataplane.processor;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC ExternalProcessor: one {@link StreamProcessor} per stream (one HTTP request at the
 * router-level processing point, one attempt of it at the per-attempt point; {@link
 * ProcessingPoint} says which from the stream's gRPC metadata).
 *
 * <p>Messages are answered on the thread that delivers them (the server runs with a direct
 * executor, so that is the gRPC transport's event loop): a thread hand-off per message would cost
 * more than processing it. The rare message that needs to block (a quota checked in the database, a
 * cloud token fetched) is processed again on {@code blocking}; messages of the same stream that
 * arrive meanwhile wait their turn, so each stream is still handled one message at a time.
 */
public final class ExtProcService extends ExternalProcessorGrpc.ExternalProcessorImplBase {
  private static final Logger log = LoggerFactory.getLogger(ExtProcService.class);

  private final ProcessorDependencies dependencies;
  private final Executor blocking;
  private final Cooldowns cooldowns;
  private final BodyHandoff bodies = new BodyHandoff();

  /**
   * @param blocking runs the work that may block; it must not be the gRPC transport's executor
   */
  public ExtProcService(ProcessorDependencies dependencies, Executor blocking) {
    this.dependencies = requireNonNull(dependencies, "dependencies");
    this.blocking = requireNonNull(blocking, "blocking");
    this.cooldowns = new Cooldowns(dependencies.clock(), dependencies.cooldowns());
  }

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    StreamProcessor processor =
        switch (ProcessingPoint.CURRENT.get()) {
          case ROUTER -> new RouterProcessor(dependencies, bodies);
          case ATTEMPT -> new AttemptProcessor(dependencies, cooldowns, bodies);
        };
    return new Stream(processor, responses);
  }

  /**
   * One stream's messages, in order; at most one of them in processing at any time. The hand-over
   * of {@link #offloaded} under this object's lock also orders the processor's state between the
   * transport thread and the blocking one.
   */
  private final class Stream implements StreamObserver<ProcessingRequest> {
    /** Stands for the end of the stream in {@link #backlog}. */
    private static final ProcessingRequest END = ProcessingRequest.getDefaultInstance();

    private final StreamProcessor processor;
    private final StreamObserver<ProcessingResponse> responses;
    private final ArrayDeque<ProcessingRequest> backlog = new ArrayDeque<>();
    private boolean offloaded;
    private boolean completed;

    Stream(StreamProcessor processor, StreamObserver<ProcessingResponse> responses) {
      this.processor = processor;
      this.responses = responses;
    }

    @Override
    public void onNext(ProcessingRequest request) {
      synchronized (this) {
        if (offloaded) {
          backlog.addLast(request);
          return;
        }
      }
      ProcessingResponse response = answer(request, false);
      if (response == StreamProcessor.DEFERRED) {
        synchronized (this) {
          offloaded = true;
          backlog.addFirst(request);
        }
        try {
          blocking.execute(this::drainBlocking);
        } catch (RejectedExecutionException e) {
          // Every worker is busy and the queue is full: refuse this request now rather than
          // queue without bound (the stream has nothing else in flight).
          synchronized (this) {
            backlog.clear();
            offloaded = false;
          }
          responses.onNext(processor.overloaded());
        }
        return;
      }
      responses.onNext(response);
    }

    /** Processes the backlog where blocking is allowed, then hands the stream back. */
    private void drainBlocking() {
      while (true) {
        ProcessingRequest next;
        synchronized (this) {
          next = backlog.pollFirst();
          if (next == null) {
            offloaded = false;
            return;
          }
        }
        if (next == END) {
          end();
          continue;
        }
        ProcessingResponse response = answer(next, true);
        try {
          responses.onNext(response);
        } catch (RuntimeException e) {
          // The call was cancelled meanwhile; the end of the stream follows in the backlog.
          log.debug("ext_proc answer not sent: {}", e.toString());
        }
      }
    }

    private ProcessingResponse answer(ProcessingRequest request, boolean mayBlock) {
      try {
        return mayBlock ? processor.processBlocking(request) : processor.process(request);
      } catch (RuntimeException e) {
        // A bug here must not leak request content: log the type and where, not the message.
        log.error("ext_proc failed on {} ({})", request.getRequestCase(), e.getClass().getName());
        log.debug("ext_proc failure", e);
        return processor.internalError();
      }
    }

    @Override
    public void onError(Throwable t) {
      // Envoy cancels the stream when the HTTP exchange ends early; that is a normal end.
      if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
        log.debug("ext_proc stream ended with {}", Status.fromThrowable(t).getCode());
      }
      close(false);
    }

    @Override
    public void onCompleted() {
      close(true);
    }

    private void close(boolean complete) {
      synchronized (this) {
        completed = complete;
        if (offloaded) {
          backlog.addLast(END);
          return;
        }
      }
      end();
    }

    private void end() {
      processor.streamClosed();
      if (completed) {
        try {
          responses.onCompleted();
        } catch (RuntimeException e) {
          log.debug("ext_proc completion not sent: {}", e.toString());
        }
      }
    }
  }
}
