package dev.aigateway.dataplane.ledger;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.quota.Prices;
import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageRecorder;
import dev.aigateway.db.usage.LedgerEntry;
import dev.aigateway.db.usage.LedgerRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one ledger row per request without ever blocking the caller: records are queued and a
 * writer thread inserts them in batches. When the database refuses a batch it is appended to the
 * spool under {@code <dataDir>/spool/}, and the spool is replayed (idempotently) once the database
 * is back; a full queue also spills to the spool rather than dropping.
 */
public final class LedgerRecorder implements UsageRecorder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LedgerRecorder.class);

  private final LedgerRepository repository;
  private final Supplier<QuotaConfig> prices;
  private final LedgerSettings settings;
  private final Clock clock;
  private final Spool spool;
  private final BlockingQueue<LedgerEntry> queue;
  private final Thread writer;
  private volatile boolean running = true;
  private long lastFailureNanos;
  private boolean failing;
  private @Nullable LocalDate maintainedOn;

  public LedgerRecorder(
      LedgerRepository repository,
      Supplier<QuotaConfig> prices,
      Path dataDir,
      LedgerSettings settings,
      Clock clock,
      @Nullable MeterRegistry registry) {
    this.repository = requireNonNull(repository, "repository");
    this.prices = requireNonNull(prices, "prices");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.spool = new Spool(dataDir.resolve("spool"));
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    if (registry != null) {
      Gauge.builder("gateway.usage.spool.depth", spool, Spool::depth)
          .description("Usage records waiting in the spool for the database")
          .register(registry);
      Gauge.builder("gateway.usage.queue.depth", queue, BlockingQueue::size)
          .description("Usage records waiting in memory for the ledger writer")
          .register(registry);
    }
    this.writer = Thread.ofPlatform().name("usage-ledger-writer").daemon().unstarted(this::run);
    writer.start();
  }

  @Override
  public void record(UsageRecord r) {
    LedgerEntry entry = toEntry(r);
    if (queue.offer(entry)) {
      return;
    }
    // Overloaded writer: rather than drop, write this one record to disk on the caller's thread.
    try {
      spool.append(List.of(entry));
    } catch (IOException e) {
      log.error("usage record {} lost: queue full and spool not writable", r.requestId(), e);
    }
  }

  /** Entries waiting in the spool. */
  public long spoolDepth() {
    return spool.depth();
  }

  /** Entries waiting in memory. */
  public int queued() {
    return queue.size();
  }

  LedgerEntry toEntry(UsageRecord r) {
    Prices p = r.model() == null ? Prices.UNKNOWN : prices.get().pricesOf(r.model());
    var u = r.usage();
    return new LedgerEntry(
        r.time(),
        r.requestId(),
        r.keyId(),
        r.teamId(),
        r.model(),
        r.provider(),
        r.upstreamModel(),
        u.inputTokens(),
        u.outputTokens(),
        u.cachedInputTokens(),
        p.costUsd(u.inputTokens(), u.outputTokens(), u.cachedInputTokens()),
        r.status(),
        r.latency().toMillis(),
        r.streamed(),
        r.inputApi());
  }

  private void run() {
    List<LedgerEntry> batch = new ArrayList<>();
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          LedgerEntry first = queue.poll(settings.maxDelay().toMillis(), TimeUnit.MILLISECONDS);
          if (first != null) {
            batch.add(first);
            fill(batch);
          }
        }
        maintain();
        if (!spool.isEmpty() && retryDue()) {
          replay();
        }
        if (batch.isEmpty()) {
          continue;
        }
        if (spool.isEmpty() && !failing) {
          try {
            repository.insert(batch);
            batch.clear();
            continue;
          } catch (SQLException | RuntimeException e) {
            failed(e);
          }
        }
        spool.append(batch);
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (IOException e) {
        log.error("cannot write the usage spool; retrying", e);
        sleepQuietly();
      }
    }
  }

  /**
   * Lets the batch fill for up to {@code maxDelay} after its first entry: one insert of many rows
   * costs the database far less than many inserts of a few (at 1,000 requests/s, a few transactions
   * a second instead of hundreds).
   */
  private void fill(List<LedgerEntry> batch) throws InterruptedException {
    long deadline = System.nanoTime() + settings.maxDelay().toNanos();
    while (true) {
      queue.drainTo(batch, settings.maxBatch() - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= settings.maxBatch() || left <= 0 || !running) {
        return;
      }
      LedgerEntry next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  private void replay() {
    try {
      for (Path file : spool.seal()) {
        List<LedgerEntry> entries = spool.read(file);
        for (int i = 0; i < entries.size(); i += settings.maxBatch()) {
          repository.insert(entries.subList(i, Math.min(entries.size(), i + settings.maxBatch())));
        }
        spool.delete(file, entries.size());
      }
      if (failing) {
        failing = false;
        log.info("usage ledger is writing to the database again; spool replayed");
      }
    } catch (SQLException | RuntimeException | IOException e) {
      failed(e);
    }
  }

  private void failed(Exception e) {
    lastFailureNanos = System.nanoTime();
    if (!failing) {
      failing = true;
      log.warn("usage ledger cannot write to the database ({}); spooling to disk", e.getMessage());
    }
  }

  private boolean retryDue() {
    return !failing || System.nanoTime() - lastFailureNanos >= settings.retryInterval().toNanos();
  }

  /** Once a day: partitions for today and tomorrow, and partitions past retention dropped. */
  private void maintain() {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (today.equals(maintainedOn) || (failing && !retryDue())) {
      return;
    }
    try {
      repository.ensurePartition(today);
      repository.ensurePartition(today.plusDays(1));
      List<String> dropped = repository.dropPartitionsBefore(now.minus(settings.retention()));
      if (!dropped.isEmpty()) {
        log.info("dropped usage ledger partitions past retention: {}", dropped);
      }
      maintainedOn = today;
    } catch (SQLException | RuntimeException e) {
      failed(e);
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(settings.retryInterval());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Writes what is queued (to the database or the spool) and stops the writer. */
  @Override
  public void close() {
    running = false;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<LedgerEntry> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      try {
        spool.append(rest);
      } catch (IOException e) {
        log.error("{} usage records lost at shutdown: spool not writable", rest.size(), e);
      }
    }
  }
}
