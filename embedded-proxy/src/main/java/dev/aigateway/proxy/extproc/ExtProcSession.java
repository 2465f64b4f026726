package dev.aigateway.proxy.extproc;

import dev.aigateway.proxy.http.HeaderList;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ext_proc gRPC stream for one HTTP request: opened lazily, answers matched to outstanding
 * messages in FIFO order, each message under its own timer, and Envoy's failure rules. Every method
 * runs on the request's event loop; gRPC callbacks are delivered there too.
 */
final class ExtProcSession {

  private static final Logger log = LoggerFactory.getLogger(ExtProcSession.class);

  private record Pending(Phase phase, Consumer<Outcome> callback, ScheduledFuture<?> timer) {}

  private final ExtProcSpec spec;
  private final @Nullable Channel channel;
  private final EventLoop loop;
  private final Consumer<Outcome> unsolicited;
  private final Deque<Pending> pending = new ArrayDeque<>();
  private @Nullable ClientCallStreamObserver<ProcessingRequest> stream;
  private boolean closed;
  private boolean passthrough;
  private boolean streamEnded;
  private @Nullable ScheduledFuture<?> deferredClose;

  /** Like Envoy's deferred_close_timeout: how long a half-closed stream may stay open. */
  private static final long DEFERRED_CLOSE_SECONDS = 5;

  /**
   * @param unsolicited receives an immediate response or failure that arrives while no message is
   *     outstanding
   */
  ExtProcSession(
      ExtProcSpec spec, @Nullable Channel channel, EventLoop loop, Consumer<Outcome> unsolicited) {
    this.spec = spec;
    this.channel = channel;
    this.loop = loop;
    this.unsolicited = unsolicited;
  }

  boolean active() {
    return !closed && !passthrough;
  }

  /** Sends one message; the callback gets its answer (or the failure) on the event loop. */
  void send(ProcessingRequest request, Phase phase, Consumer<Outcome> callback) {
    if (passthrough) {
      callback.accept(new Outcome.Passthrough());
      return;
    }
    if (closed) {
      callback.accept(new Outcome.Failure(spec.statusOnError(), "ext_proc_stream_closed"));
      return;
    }
    if (stream == null && !open()) {
      fail(
          new Outcome.Failure(
              spec.statusOnError(), "ext_proc_error_gRPC_error_14{no_healthy_upstream}"),
          callback);
      return;
    }
    ScheduledFuture<?> timer = schedule(spec.messageTimeout());
    pending.addLast(new Pending(phase, callback, timer));
    stream.onNext(request);
  }

  /** Half-closes the stream at the end of the HTTP request, as Envoy does. */
  void finish() {
    if (stream != null && !closed) {
      closed = true;
      cancelTimers();
      ClientCallStreamObserver<ProcessingRequest> s = stream;
      try {
        s.onCompleted();
      } catch (RuntimeException e) {
        log.debug("ext_proc half-close failed", e);
      }
      if (!streamEnded) {
        // Cancelled as soon as the server ends the stream (usually microseconds later), so the
        // loop's timer queue holds only streams that are really late, not one per recent request.
        deferredClose =
            loop.schedule(
                () -> s.cancel("ext_proc deferred close timeout", null),
                DEFERRED_CLOSE_SECONDS,
                TimeUnit.SECONDS);
      }
    }
    closed = true;
  }

  /** Cancels the stream when the downstream request is abandoned. */
  void cancel() {
    if (stream != null && !closed) {
      stream.cancel("downstream request ended", null);
    }
    closed = true;
    cancelTimers();
    pending.clear();
  }

  private boolean open() {
    if (channel == null) {
      return false;
    }
    Metadata md = new Metadata();
    for (var m : spec.proto().getGrpcService().getInitialMetadataList()) {
      md.put(Metadata.Key.of(m.getKey(), Metadata.ASCII_STRING_MARSHALLER), m.getValue());
    }
    // The channel belongs to this loop and calls back directly on it (ExtProcChannels).
    var stub =
        ExternalProcessorGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    stub.process(new Observer());
    return stream != null;
  }

  private ScheduledFuture<?> schedule(Duration timeout) {
    return loop.schedule(this::onTimeout, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
  }

  private void onTimeout() {
    if (closed || passthrough) {
      return;
    }
    log.debug("ext_proc message timeout");
    terminate(new Outcome.Failure(504, "ext_proc_error_per-message_timeout_exceeded"), true);
  }

  private void onResponse(ProcessingResponse r) {
    if (closed || passthrough) {
      return; // Messages after processing is complete are ignored.
    }
    if (r.hasOverrideMessageTimeout()) {
      overrideTimeout(r.getOverrideMessageTimeout());
      return;
    }
    if (r.hasImmediateResponse()) {
      if (spec.proto().getDisableImmediateResponse()) {
        spurious();
        return;
      }
      Outcome imm = immediate(r.getImmediateResponse());
      // Mark the session done before cancelling, so the stream's own end is not a second outcome.
      closed = true;
      closeStream();
      Pending head = pending.pollFirst();
      cancelTimers();
      pending.clear();
      if (head != null) {
        head.callback.accept(imm);
      } else {
        unsolicited.accept(imm);
      }
      return;
    }
    Pending head = pending.peekFirst();
    if (head == null || !head.phase.answeredBy(r)) {
      spurious();
      return;
    }
    pending.pollFirst();
    head.timer.cancel(false);
    head.callback.accept(new Outcome.Reply(r));
  }

  private void overrideTimeout(com.google.protobuf.Duration d) {
    long max = spec.maxMessageTimeout().toMillis();
    long ms = d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
    Pending head = pending.pollFirst();
    if (head == null || max < 1 || ms < 1 || ms > max) {
      if (head != null) {
        pending.addFirst(head);
      }
      return;
    }
    head.timer.cancel(false);
    pending.addFirst(new Pending(head.phase, head.callback, schedule(Duration.ofMillis(ms))));
  }

  private void spurious() {
    terminate(new Outcome.Failure(spec.statusOnError(), "ext_proc_error_spurious_message"), false);
  }

  private void onGrpcError(Status status) {
    if (closed || passthrough) {
      return;
    }
    stream = null;
    terminate(
        new Outcome.Failure(
            spec.statusOnError(), "ext_proc_error_gRPC_error_" + status.getCode().value()),
        false);
  }

  private void onGrpcClosedOk() {
    if (closed || passthrough) {
      return;
    }
    // An OK close means "stop consulting me": everything outstanding continues unchanged.
    passthrough = true;
    drainPassthrough();
  }

  /** Ends processing with a failure, or lets the request go on under failure_mode_allow. */
  private void terminate(Outcome.Failure failure, boolean timeout) {
    if (spec.failureModeAllow()) {
      passthrough = true;
      closeStream();
      drainPassthrough();
      return;
    }
    closed = true;
    closeStream();
    Pending head = pending.pollFirst();
    cancelTimers();
    pending.clear();
    if (head != null) {
      head.callback.accept(failure);
    } else if (!timeout) {
      unsolicited.accept(failure);
    }
  }

  private void fail(Outcome.Failure failure, Consumer<Outcome> callback) {
    if (spec.failureModeAllow()) {
      passthrough = true;
      callback.accept(new Outcome.Passthrough());
    } else {
      closed = true;
      callback.accept(failure);
    }
  }

  private void drainPassthrough() {
    cancelTimers();
    while (!pending.isEmpty()) {
      pending.pollFirst().callback.accept(new Outcome.Passthrough());
    }
  }

  private void cancelTimers() {
    for (Pending p : pending) {
      p.timer.cancel(false);
    }
  }

  private void closeStream() {
    if (stream != null) {
      try {
        stream.cancel("ext_proc processing complete", null);
      } catch (RuntimeException e) {
        log.debug("ext_proc cancel failed", e);
      }
      stream = null;
    }
  }

  private Outcome immediate(ImmediateResponse ir) {
    int status = ir.hasStatus() ? ir.getStatus().getCodeValue() : 200;
    if (status < 200) {
      status = 200;
    }
    HeaderList headers = new HeaderList();
    if (ir.hasHeaders()) {
      try {
        HeaderMutations.apply(ir.getHeaders(), headers, spec.mutationRules(), false, false);
      } catch (HeaderMutations.RejectedMutation e) {
        log.debug("ext_proc immediate response headers rejected: {}", e.getMessage());
      }
    }
    return new Outcome.Immediate(
        status, headers, ir.getBody().toByteArray(), ir.getDetails().replaceAll("\\s", "_"));
  }

  private void ended() {
    streamEnded = true;
    if (deferredClose != null) {
      deferredClose.cancel(false);
      deferredClose = null;
    }
  }

  private final class Observer
      implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {

    @Override
    public void beforeStart(ClientCallStreamObserver<ProcessingRequest> requestStream) {
      stream = requestStream;
    }

    @Override
    public void onNext(ProcessingResponse value) {
      onResponse(value);
    }

    @Override
    public void onError(Throwable t) {
      ended();
      Status s = Status.fromThrowable(t);
      if (s.getCode() == Status.Code.CANCELLED && closed) {
        return;
      }
      onGrpcError(s);
    }

    @Override
    public void onCompleted() {
      ended();
      onGrpcClosedOk();
    }
  }
}
