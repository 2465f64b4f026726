package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.telemetry.RequestTrace;
import dev.aigateway.dataplane.usage.DeliveredText;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters one attempt (failover contract item 8): one ledger record per attempt that reached a
 * provider, charged to the key's, team's and model's quotas, whatever attempt finally served the
 * client. Issue 14's rule for what the charge is: the provider's usage, else the delivered text
 * counted, else (the provider may have served it, nothing is known) the router point's reservation.
 */
final class AttemptMeter {
  private static final Logger log = LoggerFactory.getLogger(AttemptMeter.class);

  private final ProcessorDependencies deps;
  private final long startNanos = System.nanoTime();
  private final Instant startTime;
  private @Nullable RoutedRequest routed;
  private @Nullable AttemptTarget target;
  private int attempt;
  private ClientCall call = new ClientCall("", "", "", null, null);
  private RequestTrace trace = RequestTrace.OFF;
  private @Nullable ObjectNode requestJson;

  /** The request went to the provider: from here on it may serve (and bill) it. */
  private boolean forwarded;

  /** A token count or a stored response: nothing generated, nothing to meter. */
  private boolean free;

  private int upstreamStatus;
  private int status;
  private boolean streamed;
  private long firstChunkNanos;
  private TokenUsage usage = TokenUsage.NONE;
  private boolean usageReported;
  private @Nullable DeliveredText delivered;
  private boolean finished;

  /** Answered by this point, not by a provider. */
  private boolean answered;

  /** Told of every charged attempt's record, after the charge (the provider quota check). */
  private final Consumer<UsageRecord> charged;

  AttemptMeter(ProcessorDependencies deps) {
    this(deps, record -> {});
  }

  AttemptMeter(ProcessorDependencies deps, Consumer<UsageRecord> charged) {
    this.deps = deps;
    this.charged = charged;
    this.startTime = deps.clock().instant();
  }

  void start(RoutedRequest routed, AttemptTarget target, int attempt, ClientCall call) {
    this.routed = routed;
    this.target = target;
    this.attempt = attempt;
    this.call = call;
  }

  void trace(RequestTrace trace) {
    this.trace = trace;
  }

  void request(ObjectNode body) {
    requestJson = body;
  }

  void free() {
    free = true;
  }

  void forwarded() {
    forwarded = true;
  }

  void upstreamStatus(int s) {
    upstreamStatus = s;
    status = s;
  }

  void streaming() {
    streamed = true;
  }

  void firstChunk() {
    if (firstChunkNanos == 0) {
      firstChunkNanos = System.nanoTime();
    }
  }

  /** The status the attempt ends with so far (0 while nothing came back). */
  int status() {
    return status;
  }

  /**
   * This point answered the attempt itself (refused it, or counted tokens): recorded with nothing
   * used, since that answer is what the client gets (a 4xx is not retried).
   */
  void answeredLocally(int s) {
    status = s;
    answered = true;
    finish(s);
  }

  /** The attempt was skipped without a provider call: nothing to record or charge. */
  void skipped(int s) {
    status = s;
    finish(s);
  }

  void usage(@Nullable TokenUsage seen) {
    if (seen != null) {
      usage = seen;
      usageReported = true;
    }
  }

  /** Keeps the generated text the client received, to count it if no usage is reported. */
  void deliver(byte[] bytes, boolean events) {
    if (usageReported) {
      return;
    }
    DeliveredText d = delivered;
    if (d == null) {
      d = delivered = new DeliveredText(events);
    }
    d.accept(bytes);
  }

  /** Records and charges the attempt, once; a skipped attempt is not recorded. */
  void finish(int finalStatus) {
    if (finished) {
      return;
    }
    finished = true;
    trace.finish(finalStatus, usage, usageReported);
    RoutedRequest r = routed;
    AttemptTarget t = target;
    if (r == null || t == null || !(forwarded || answered)) {
      return;
    }
    UsageSource source = source(finalStatus);
    TokenUsage metered =
        switch (source) {
          case REPORTED -> usage;
          case COUNTED -> new TokenUsage(estimateInput(), countDelivered(), 0);
          case RESERVED -> new TokenUsage(estimateInput(), r.reservedOutput(), 0);
          case NONE -> TokenUsage.NONE;
        };
    Duration ttft = firstChunkNanos == 0 ? null : Duration.ofNanos(firstChunkNanos - startNanos);
    UsageRecord record =
        new UsageRecord(
            startTime,
            r.requestId(),
            r.keyId(),
            r.teamId(),
            r.model(),
            t.provider(),
            t.upstreamModel(),
            metered,
            source,
            finalStatus,
            Duration.ofNanos(System.nanoTime() - startNanos),
            ttft,
            streamed,
            call.clientRequestId(),
            call.inputApi(),
            attempt,
            t.target());
    try {
      deps.recorder().record(record);
    } catch (RuntimeException e) {
      log.error("usage recorder failed for request {}", r.requestId(), e);
    }
    if (source != UsageSource.NONE) {
      try {
        deps.admission().charge(record);
        charged.accept(record);
      } catch (RuntimeException e) {
        log.error("quota charge failed for request {}", r.requestId(), e);
      }
    }
  }

  /**
   * Where this attempt's usage comes from. Without a provider report: a 2xx that went on to the
   * client is counted (the delivered text, the prompt estimated); an attempt forwarded but never
   * answered (a per-attempt timeout, a reset, the client hung up), or answered 2xx but not
   * readable, may have been served, so the reservation is the charge; an upstream error used
   * nothing.
   */
  private UsageSource source(int finalStatus) {
    if (free || !forwarded) {
      return UsageSource.NONE;
    }
    if (usageReported) {
      return UsageSource.REPORTED;
    }
    if (upstreamStatus == 0) {
      return UsageSource.RESERVED;
    }
    if (upstreamStatus >= 200 && upstreamStatus < 300) {
      return finalStatus >= 200 && finalStatus < 300 ? UsageSource.COUNTED : UsageSource.RESERVED;
    }
    return UsageSource.NONE;
  }

  private long estimateInput() {
    ObjectNode body = requestJson;
    AttemptTarget t = target;
    return body == null || t == null ? 0 : deps.estimator().estimate(t.upstreamModel(), body);
  }

  private long countDelivered() {
    DeliveredText d = delivered;
    AttemptTarget t = target;
    return d == null || t == null ? 0 : deps.estimator().countText(t.upstreamModel(), d.text());
  }
}
