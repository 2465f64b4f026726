package dev.aigateway.dataplane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.quota.QuotaFixtures;
import dev.aigateway.dataplane.quota.QuotaFixtures.KeyAndTeam;
import dev.aigateway.dataplane.store.postgres.PostgresLedgerSink;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.LedgerEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 10: when the ledger's queue is full (the database stalls), records go to the spool
 * on the spill thread, never on the caller's (a gRPC event loop must not wait for an fsync), and
 * none is lost.
 */
@ExtendWith(PostgresExtension.class)
class LedgerSpillTest {
  private final Database db;

  LedgerSpillTest(Database db) {
    this.db = db;
  }

  /** A spool whose appends wait for a latch and remember which thread made them. */
  static final class SlowSpool extends Spool {
    final Set<String> appendThreads = ConcurrentHashMap.newKeySet();
    final AtomicInteger waiting = new AtomicInteger();
    final CountDownLatch open = new CountDownLatch(1);

    SlowSpool(Path dir) {
      super(dir, LedgerSettings.DEFAULT_MAX_SPOOL_BYTES);
    }

    @Override
    public void append(List<LedgerEntry> entries) throws IOException {
      appendThreads.add(Thread.currentThread().getName());
      waiting.incrementAndGet();
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      super.append(entries);
    }
  }

  private static UsageRecord record(KeyAndTeam k) {
    return new UsageRecord(
        Instant.now(),
        UUID.randomUUID().toString(),
        k.keyId(),
        k.teamId(),
        "m",
        "p",
        "u",
        new TokenUsage(10, 5, 0),
        UsageSource.REPORTED,
        200,
        Duration.ofMillis(3),
        null,
        false,
        null);
  }

  private long rows(KeyAndTeam k) {
    return db.dsl()
        .fetchOne("select count(*) from usage_ledger where key_id = ?", k.keyId())
        .get(0, Long.class);
  }

  private static void await(java.util.function.BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aFullQueueSpillsOnTheSpillThreadNeverOnTheCallerAndLosesNothing(@TempDir Path dir)
      throws Exception {
    KeyAndTeam k = QuotaFixtures.keyAndTeam(db);
    // A batch of 2 and a queue of 4: the 6th record finds the queue full.
    LedgerSettings settings =
        new LedgerSettings(
            2, Duration.ofMillis(20), 4, Duration.ofDays(30), Duration.ofMillis(100));
    SlowSpool spool = new SlowSpool(dir.resolve("spool"));
    ExecutorService caller =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "grpc-event-loop-stand-in"));
    try (Connection lock = db.dataSource().getConnection();
        LedgerRecorder recorder =
            new LedgerRecorder(
                new PostgresLedgerSink(db),
                () -> QuotaConfig.EMPTY,
                dir,
                settings,
                Clock.systemUTC(),
                null,
                spool)) {
      Thread.sleep(300); // the writer's daily partition check is done before the stall
      // The database stalls: the writer's insert waits on the lock with its batch in hand.
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("lock table usage_ledger in access exclusive mode");
      }
      Future<?> first = caller.submit(() -> recorder.record(record(k)));
      first.get(2, TimeUnit.SECONDS);
      Thread.sleep(300); // the writer took it and is stuck in the database
      for (int i = 0; i < 5; i++) {
        // 4 fill the queue; the 5th is the spill thread's, which then waits in the spool.
        caller.submit(() -> recorder.record(record(k))).get(2, TimeUnit.SECONDS);
      }
      await(() -> spool.waiting.get() == 1);
      for (int i = 0; i < 2; i++) {
        // Still never the caller: the hand-off to the spill thread takes them.
        caller.submit(() -> recorder.record(record(k))).get(2, TimeUnit.SECONDS);
      }

      assertThat(spool.appendThreads).containsExactly("usage-spool-spill");
      assertThat(recorder.queued()).isEqualTo(4 + 2);

      spool.open.countDown();
      lock.commit();
      await(() -> rows(k) == 8);
      assertThat(spool.appendThreads).doesNotContain("grpc-event-loop-stand-in");
      await(() -> recorder.spoolDepth() == 0);
    } finally {
      caller.shutdownNow();
    }
  }
}
