package dev.aigateway.dataplane.cooldown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.aigateway.dataplane.error.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CooldownWriterTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static CooldownNotice notice(String target) {
    return new CooldownNotice(target, Instant.now().plusSeconds(30), 429);
  }

  private double dropped(String reason) {
    var c = registry.find("gateway.cooldowns.dropped").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void publishingNeverWaitsForAStuckStoreAndAFullQueueDropsAndCounts() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<CooldownNotice> stored = new CopyOnWriteArrayList<>();
    CooldownStore stuck =
        notices -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          stored.addAll(notices);
          return notices.size();
        };
    try (CooldownWriter writer = new CooldownWriter(stuck, registry, 4)) {
      writer.publish(notice("t-0"));
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

      // The store is stuck on the first notice: the request path must not notice.
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> {
            for (int i = 1; i <= 10; i++) {
              writer.publish(notice("t-" + i));
            }
          });

      assertThat(writer.queued()).isEqualTo(4);
      assertThat(dropped("queue_full")).isEqualTo(6);
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (stored.size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(stored)
          .extracting(CooldownNotice::target)
          .containsExactly("t-0", "t-1", "t-2", "t-3", "t-4");
      assertThat(registry.counter("gateway.cooldowns.published").count()).isEqualTo(5);
    }
  }

  @Test
  void aFailingStoreDropsThatBatchCountedAndTheNextOneIsWritten() throws Exception {
    List<CooldownNotice> stored = new CopyOnWriteArrayList<>();
    CountDownLatch failed = new CountDownLatch(1);
    CooldownStore flaky =
        notices -> {
          if (failed.getCount() > 0) {
            failed.countDown();
            throw StoreException.unavailable("database down", null);
          }
          stored.addAll(notices);
          return notices.size();
        };
    try (CooldownWriter writer = new CooldownWriter(flaky, registry, 16)) {
      writer.publish(notice("lost"));
      assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (dropped("store_failed") < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      writer.publish(notice("kept"));
      while (stored.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(dropped("store_failed")).isEqualTo(1);
      assertThat(stored).extracting(CooldownNotice::target).containsExactly("kept");
    }
  }

  @Test
  void closingWritesWhatIsQueued() {
    List<CooldownNotice> stored = new CopyOnWriteArrayList<>();
    CooldownWriter writer =
        new CooldownWriter(
            notices -> {
              stored.addAll(notices);
              return notices.size();
            },
            registry,
            16);
    writer.publish(notice("a"));
    writer.publish(notice("b"));
    writer.close();
    assertThat(stored).extracting(CooldownNotice::target).containsExactly("a", "b");
    writer.publish(notice("after"));
    assertThat(dropped("queue_full")).isEqualTo(1);
  }
}
