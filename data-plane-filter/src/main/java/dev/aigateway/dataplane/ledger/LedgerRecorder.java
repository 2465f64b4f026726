package dev.aigateway.dataplane.ledger;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.dataplane.quota.Prices;
import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.usage.ClientText;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageRecorder;
import dev.aigateway.db.usage.LedgerEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
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
 * writer thread inserts them in batches. When the database cannot take a batch it is appended to
 * the spool under {@code <dataDir>/spool/}, and the spool is replayed (idempotently) once the
 * database is back; a full queue also spills to the spool rather than dropping, on a thread of its
 * own (the callers are gRPC event loops, which must never wait for an fsync). A record the database
 * refuses for its content is found by splitting the batch and quarantined in the dead letter file,
 * so it never holds back the others. Requests refused before their key was known are only counted
 * ({@code gateway.requests.unattributed}): anyone can send those, one row each would let them fill
 * the ledger.
 */
public final class LedgerRecorder implements UsageRecorder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LedgerRecorder.class);

  private final LedgerSink sink;
  private final Supplier<QuotaConfig> prices;
  private final LedgerSettings settings;
  private final Clock clock;
  private final Spool spool;
  private final DeadLetter deadLetter;
  private final @Nullable MeterRegistry registry;
  private final @Nullable Counter dropped;
  private final BlockingQueue<LedgerEntry> queue;

  /** Records the full queue could not take, on their way to the spool (the spill thread's). */
  private final BlockingQueue<LedgerEntry> overflow;

  private final Thread writer;
  private final Thread spiller;
  private volatile boolean running = true;
  private long lastFailureNanos;
  private boolean failing;
  private @Nullable LocalDate maintainedOn;
  private volatile boolean spoolNearFullLogged;

  public LedgerRecorder(
      LedgerSink sink,
      Supplier<QuotaConfig> prices,
      Path dataDir,
      LedgerSettings settings,
      Clock clock,
      @Nullable MeterRegistry registry) {
    this(
        sink,
        prices,
        dataDir,
        settings,
        clock,
        registry,
        new Spool(dataDir.resolve("spool"), settings.maxSpoolBytes()));
  }

  /** With a given spool (tests watch which thread writes it). */
  LedgerRecorder(
      LedgerSink sink,
      Supplier<QuotaConfig> prices,
      Path dataDir,
      LedgerSettings settings,
      Clock clock,
      @Nullable MeterRegistry registry,
      Spool spool) {
    this.sink = requireNonNull(sink, "sink");
    this.prices = requireNonNull(prices, "prices");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.spool = requireNonNull(spool, "spool");
    this.deadLetter = new DeadLetter(dataDir.resolve("spool"), clock, settings.maxSpoolBytes());
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.overflow = new ArrayBlockingQueue<>(settings.maxBatch());
    this.registry = registry;
    if (registry != null) {
      Gauge.builder("gateway.usage.spool.depth", spool, Spool::depth)
          .description("Usage records waiting in the spool for the database")
          .register(registry);
      Gauge.builder("gateway.usage.spool.bytes", spool, Spool::bytes)
          .description(
              "Bytes of the usage spool; alert well before gateway.usage.spool.limit.bytes")
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("gateway.usage.spool.limit.bytes", spool, Spool::maxBytes)
          .description("The usage spool's cap; records past it are dropped")
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("gateway.usage.queue.depth", queue, BlockingQueue::size)
          .description("Usage records waiting in memory for the ledger writer")
          .register(registry);
      FunctionCounter.builder("gateway.usage.quarantined", deadLetter, DeadLetter::count)
          .description("Usage records the database refused, kept in spool/dead-letter.jsonl")
          .register(registry);
      this.dropped =
          Counter.builder("gateway.usage.dropped")
              .description("Usage records lost: the spool was at its cap or not writable")
              .register(registry);
    } else {
      this.dropped = null;
    }
    this.writer = Thread.ofPlatform().name("usage-ledger-writer").daemon().unstarted(this::run);
    writer.start();
    this.spiller = Thread.ofPlatform().name("usage-spool-spill").daemon().unstarted(this::spill);
    spiller.start();
  }

  @Override
  public void record(UsageRecord r) {
    if (r.keyId() == null) {
      unattributed(r.status());
      return;
    }
    LedgerEntry entry = toEntry(r);
    if (queue.offer(entry) || overflow.offer(entry)) {
      return;
    }
    // Both full: the spill thread cannot fsync as fast as records arrive (it writes up to maxBatch
    // per fsync). Only then does the caller write, which slows it to the disk's pace instead of
    // dropping usage.
    spoolOrDrop(List.of(entry));
  }

  /**
   * The spill thread: what the full queue could not take goes to the spool, up to {@code maxBatch}
   * records per append (one fsync), so a stalled writer never puts disk writes on the callers.
   */
  private void spill() {
    List<LedgerEntry> group = new ArrayList<>();
    while (running || !overflow.isEmpty()) {
      try {
        LedgerEntry first = overflow.poll(settings.maxDelay().toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        overflow.drainTo(group, settings.maxBatch() - 1);
        spoolOrDrop(group);
        group.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void unattributed(int status) {
    if (registry != null) {
      Counter.builder("gateway.requests.unattributed")
          .description("Requests refused before a key was known (counted, not in the ledger)")
          .tag("status", Integer.toString(status >= 100 && status <= 599 ? status : 0))
          .register(registry)
          .increment();
    }
  }

  /** Spools {@code entries}; when the spool is at its cap or broken they are counted as lost. */
  private void spoolOrDrop(List<LedgerEntry> entries) {
    try {
      spool.append(entries);
      if (!spoolNearFullLogged && spool.bytes() > spool.maxBytes() / 10 * 8) {
        spoolNearFullLogged = true;
        log.error(
            "usage spool above 80% of its cap ({} of {} bytes): records will be dropped at the cap",
            spool.bytes(), spool.maxBytes());
      }
    } catch (IOException e) {
      if (dropped != null) {
        dropped.increment(entries.size());
      }
      log.error("{} usage records lost: {}", entries.size(), e.getMessage());
    }
  }

  /** Records quarantined in the dead letter file since start. */
  public long quarantined() {
    return deadLetter.count();
  }

  /**
   * Inserts {@code entries}. A refusal for content (not for the database being down) splits the
   * batch until the records at fault are alone; those go to the dead letter file, the rest in.
   *
   * @throws StoreException when the database cannot take them (the caller spools them)
   */
  private void insertOrQuarantine(List<LedgerEntry> entries) throws StoreException {
    if (entries.isEmpty()) {
      return;
    }
    try {
      sink.insert(entries);
    } catch (StoreException e) {
      if (!e.refusedContent()) {
        throw e;
      }
      if (entries.size() == 1) {
        quarantine(entries.get(0), "database refused the record: " + e.getMessage());
        return;
      }
      int half = entries.size() / 2;
      insertOrQuarantine(entries.subList(0, half));
      insertOrQuarantine(entries.subList(half, entries.size()));
    }
  }

  private void quarantine(LedgerEntry entry, String reason) {
    log.error("usage record {} quarantined in the dead letter file: {}", entry.requestId(), reason);
    try {
      deadLetter.entry(entry, reason);
    } catch (IOException e) {
      log.error(
          "dead letter file not writable; record {} lost: {}", entry.requestId(), e.getMessage());
    }
  }

  /** Entries waiting in the spool. */
  public long spoolDepth() {
    return spool.depth();
  }

  /** Entries waiting in memory (for the writer, or for the spill thread). */
  public int queued() {
    return queue.size() + overflow.size();
  }

  LedgerEntry toEntry(UsageRecord r) {
    Prices p = r.model() == null ? Prices.UNKNOWN : prices.get().pricesOf(r.model());
    var u = r.usage();
    // Cleaned here too: whatever a caller passes, a stored string cannot poison a batch.
    return new LedgerEntry(
        r.time(),
        requireNonNull(ClientText.clean(r.requestId(), ClientText.REQUEST_ID_MAX)),
        r.keyId(),
        r.teamId(),
        ClientText.clean(r.model(), ClientText.MODEL_MAX),
        ClientText.clean(r.provider(), ClientText.MODEL_MAX),
        ClientText.clean(r.upstreamModel(), ClientText.MODEL_MAX),
        u.inputTokens(),
        u.outputTokens(),
        u.cachedInputTokens(),
        p.costUsd(u.inputTokens(), u.outputTokens(), u.cachedInputTokens()),
        r.status(),
        r.latency().toMillis(),
        r.streamed(),
        ClientText.clean(r.clientRequestId(), ClientText.REQUEST_ID_MAX),
        r.inputApi(),
        r.attempt(),
        ClientText.clean(r.target(), ClientText.MODEL_MAX));
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
            insertOrQuarantine(batch);
            batch.clear();
            continue;
          } catch (StoreException | RuntimeException e) {
            failed(e);
          }
        }
        spoolOrDrop(batch);
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
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
        Spool.Contents contents = spool.read(file);
        List<LedgerEntry> entries = contents.entries();
        for (int i = 0; i < entries.size(); i += settings.maxBatch()) {
          insertOrQuarantine(entries.subList(i, Math.min(entries.size(), i + settings.maxBatch())));
        }
        for (String line : contents.badLines()) {
          // A line torn by a crash, or not an entry at all: kept aside, never retried.
          try {
            deadLetter.line(line, "unreadable spool line in " + file.getFileName());
          } catch (IOException e) {
            log.error("dead letter file not writable; a spool line is lost: {}", e.getMessage());
          }
        }
        spool.delete(file, entries.size() + contents.badLines().size());
      }
      if (failing) {
        failing = false;
        log.info("usage ledger is writing to the database again; spool replayed");
      }
    } catch (StoreException | RuntimeException | IOException e) {
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
      sink.prepare(today);
      sink.prepare(today.plusDays(1));
      List<String> old = sink.dropBefore(now.minus(settings.retention()));
      if (!old.isEmpty()) {
        log.info("dropped usage ledger partitions past retention: {}", old);
      }
      maintainedOn = today;
    } catch (StoreException | RuntimeException e) {
      failed(e);
    }
  }

  /** Writes what is queued (to the database or the spool) and stops the writer. */
  @Override
  public void close() {
    running = false;
    try {
      writer.join(10_000);
      spiller.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<LedgerEntry> rest = new ArrayList<>();
    queue.drainTo(rest);
    overflow.drainTo(rest);
    if (!rest.isEmpty()) {
      spoolOrDrop(rest);
    }
  }
}
