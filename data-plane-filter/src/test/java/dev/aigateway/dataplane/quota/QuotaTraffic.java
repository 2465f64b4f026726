package dev.aigateway.dataplane.quota;

import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The overshoot tests' load: virtual-thread clients spread over the replicas, each sending requests
 * of 80–120 tokens (2–10 ms "upstream" each, settled with what they reserved).
 */
final class QuotaTraffic {
  private QuotaTraffic() {}

  /** What a run admitted and refused; {@code firstRejectionNanos} is 0 when nothing was refused. */
  record Result(
      long admittedTokens,
      long admittedRequests,
      long rejected,
      long startNanos,
      long firstRejectionNanos) {}

  /** Runs until {@code duration} passes or {@code stopAt} tokens were admitted. */
  static Result run(
      List<QuotaAdmission> replicas,
      KeyAndTeam k,
      int clients,
      Duration duration,
      long stopAt,
      Instant time)
      throws InterruptedException {
    AtomicLong tokens = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong firstRejection = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    long begin;
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        QuotaAdmission replica = replicas.get(c % replicas.size());
        pool.submit(
            () -> {
              start.await();
              ThreadLocalRandom random = ThreadLocalRandom.current();
              long deadline = System.nanoTime() + duration.toNanos();
              while (System.nanoTime() < deadline && tokens.get() < stopAt) {
                long in = 40 + random.nextInt(21);
                long out = 40 + random.nextInt(21);
                AdmissionDecision d =
                    replica.admit(
                        new AdmissionRequest(
                            UUID.randomUUID().toString(),
                            k.keyId(),
                            k.teamId(),
                            "m",
                            "p",
                            "up",
                            in,
                            out));
                if (d instanceof AdmissionDecision.Admitted a) {
                  Thread.sleep(random.nextInt(2, 10)); // the upstream call
                  tokens.addAndGet(in + out);
                  requests.incrementAndGet();
                  a.ticket().settle(usage(time, in, out));
                } else {
                  rejected.incrementAndGet();
                  firstRejection.compareAndSet(0, System.nanoTime());
                  Thread.sleep(5);
                }
              }
              return null;
            });
      }
      begin = System.nanoTime();
      start.countDown();
    }
    return new Result(tokens.get(), requests.get(), rejected.get(), begin, firstRejection.get());
  }

  private static UsageRecord usage(Instant time, long in, long out) {
    return new UsageRecord(
        time,
        "r",
        null,
        null,
        "m",
        "p",
        "up",
        new TokenUsage(in, out, 0),
        true,
        200,
        Duration.ofMillis(5),
        null,
        false);
  }
}
