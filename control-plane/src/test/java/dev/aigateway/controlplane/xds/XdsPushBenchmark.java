package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.testing.PostgresExtension;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Push latency with many ADS streams: from the commit of a config change (whose NOTIFY PostgreSQL
 * delivers at commit) to the moment the last stream has accepted CDS, LDS and RDS at the new
 * version. Not run by default (surefire only picks *Test classes); the command and the results are
 * in docs/benchmarks.md. Loopback only, bounded by {@link Timeout}.
 */
@ExtendWith(PostgresExtension.class)
class XdsPushBenchmark {
  private static final int STREAMS = Integer.getInteger("xds.bench.streams", 1000);
  private static final int CHANNELS = Integer.getInteger("xds.bench.channels", 8);
  private static final int CHANGES = Integer.getInteger("xds.bench.changes", 20);
  private static final Duration PER_CHANGE = Duration.ofSeconds(30);

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void pushToManyStreams(Database db) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com");
    TestConfig.addProvider(db, "anthropic", "anthropic", "https://api.anthropic.com");
    long heapBefore = usedHeapAfterGc(memory);
    List<AutoCloseable> cleanup = new ArrayList<>();
    try (XdsServer server =
        XdsServer.start(
            new ControlPlaneSettings(
                "127.0.0.1",
                0,
                0,
                "127.0.0.1",
                18001,
                "t",
                "bench",
                new byte[32],
                java.util.List.of()),
            db,
            new SimpleMeterRegistry())) {
      long heapServerIdle = usedHeapAfterGc(memory);
      List<ManagedChannel> channels = new ArrayList<>();
      for (int i = 0; i < CHANNELS; i++) {
        ManagedChannel channel =
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(channel);
        cleanup.add(channel::shutdownNow);
      }
      List<AdsClient> clients = new ArrayList<>();
      long connectStart = System.nanoTime();
      for (int i = 0; i < STREAMS; i++) {
        AdsClient client = new AdsClient(channels.get(i % CHANNELS), "bench-" + i, "default");
        clients.add(client);
        cleanup.add(client);
      }
      String initial = Long.toString(ConfigRevisions.current(db.dsl()));
      for (AdsClient client : clients) {
        client.awaitVersion(initial, PER_CHANGE);
      }
      Duration connectAll = Duration.ofNanos(System.nanoTime() - connectStart);
      Thread.sleep(500); // let the status writer drain the initial ACK burst
      long heapWithStreams = usedHeapAfterGc(memory);

      long publisherCpuBefore = publisherCpuNanos();
      double[] lastMs = new double[CHANGES];
      double[] firstMs = new double[CHANGES];
      for (int change = 0; change < CHANGES; change++) {
        String version =
            Long.toString(
                TestConfig.addProvider(
                    db,
                    "bench-" + change,
                    "openai_compatible",
                    "http://10.0.0." + change + ":8000"));
        long committed = System.nanoTime();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (AdsClient client : clients) {
          client.awaitVersion(version, PER_CHANGE);
          long at = client.receivedAtNanos(version);
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
        lastMs[change] = (last - committed) / 1e6;
        firstMs[change] = (first - committed) / 1e6;
        Thread.sleep(200);
      }
      double publisherCpuMsPerChange = (publisherCpuNanos() - publisherCpuBefore) / 1e6 / CHANGES;
      long heapAfter = usedHeapAfterGc(memory);
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

      String report =
          String.format(
              Locale.ROOT,
              """
              xDS push benchmark: %d ADS streams (SotW, CDS+LDS+RDS each) over %d channels, %d changes
              JVM %s, %d CPUs, max heap %d MiB, system load average at the end %.1f
              commit -> last stream at new version:  median %.1f ms, p99 %.1f ms, max %.1f ms
              commit -> first stream at new version: median %.1f ms
              CPU time of the snapshot publisher thread (read, assemble, hand 3 responses to each stream): %.1f ms per change
              all streams connected and at the first version in %d ms
              heap used after GC: before control plane %d MiB, control plane idle %d MiB,\
               with %d streams %d MiB, after %d changes %d MiB (clients and server share this JVM)
              """,
              STREAMS,
              CHANNELS,
              CHANGES,
              Runtime.version(),
              Runtime.getRuntime().availableProcessors(),
              Runtime.getRuntime().maxMemory() >> 20,
              load,
              percentile(lastMs, 50),
              percentile(lastMs, 99),
              percentile(lastMs, 100),
              percentile(firstMs, 50),
              publisherCpuMsPerChange,
              connectAll.toMillis(),
              heapBefore >> 20,
              heapServerIdle >> 20,
              STREAMS,
              heapWithStreams >> 20,
              CHANGES,
              heapAfter >> 20);
      write(report + "per change, last stream (ms): " + Arrays.toString(round(lastMs)) + "\n");
      assertThat(lastMs).hasSize(CHANGES);
    } finally {
      for (AutoCloseable c : cleanup.reversed()) {
        c.close();
      }
    }
  }

  private static long publisherCpuNanos() {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("xds-snapshot-publisher")) {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.threadId());
      }
    }
    throw new IllegalStateException("no xds-snapshot-publisher thread");
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Nearest-rank percentile. */
  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double[] round(double[] values) {
    return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
  }

  private static void write(String report) throws IOException {
    System.out.println(report);
    Files.writeString(Path.of("target/xds-push-benchmark.txt"), report);
  }
}
