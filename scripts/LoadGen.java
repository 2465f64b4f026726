import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP/1.1 load at fixed rates with evenly spaced sends, for scripts/load-test.sh: the
 * same request straight at the upstream and through the gateway, side by side.
 *
 * <p>Request i of a step is due at start + i / rate; a pool of keep-alive connections takes due
 * requests in order, and each latency is measured from the moment the request was due (not from
 * when a connection got to it), so a slow server shows up in the figures instead of slowing the
 * load down. (hey's rate limit, -q, starts every worker's ticker at once and so sends requests in
 * bursts of one per worker: its percentiles then measure the burst's queueing, not the server.)
 *
 * <pre>
 * java LoadGen.java DIRECT_URL DIRECT_BODY GATEWAY_URL GATEWAY_BODY AUTHORIZATION GATEWAY_PID
 *     RATES SECONDS ROUNDS WARMUP_SECONDS [POSTGRES_PID...]
 * </pre>
 *
 * Warms both paths up until the gateway's JIT compilers are idle (at most WARMUP_SECONDS), then for
 * each rate runs ROUNDS rounds of one step per path (alternating
 * which goes first) and prints a Markdown table of the medians over the rounds, with the CPU the
 * gateway process (and PostgreSQL) spent per request through the gateway.
 *
 * <p>A/B mode, for scripts/load-test-ab.sh: two gateways side by side at one rate.
 *
 * <pre>
 * java LoadGen.java ab URL_A BODY AUTHORIZATION_A PID_A URL_B AUTHORIZATION_B PID_B
 *     RATE SECONDS ROUNDS WARMUP_SECONDS
 * </pre>
 *
 * Warms each up the same way, then runs ROUNDS rounds of one step per gateway (alternating which
 * goes first), prints every step and the medians, and the ratios B / A of p50, p99 and CPU per
 * request.
 */
public class LoadGen {
  record Step(double p50, double p90, double p99, double max, int ok, int non2xx, int errors) {}

  record Target(URI url, byte[] request) {}

  static final int CONNECTIONS = 64;

  public static void main(String[] args) throws Exception {
    if (args[0].equals("ab")) {
      compare(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Target direct = target(args[0], Path.of(args[1]), null);
    Target gateway = target(args[2], Path.of(args[3]), "Authorization: " + args[4]);
    long gatewayPid = Long.parseLong(args[5]);
    int[] rates = Arrays.stream(args[6].split(",")).mapToInt(Integer::parseInt).toArray();
    int seconds = Integer.parseInt(args[7]);
    int rounds = Integer.parseInt(args[8]);
    int warmup = Integer.parseInt(args[9]);
    long[] postgres = Arrays.stream(args, 10, args.length).mapToLong(Long::parseLong).toArray();

    run(direct, 1000, 5);
    warmUp(gateway, gatewayPid, warmup, direct);

    System.out.println(
        "| rate (req/s) | direct p50 | gateway p50 | added p50 | p50 ratio | direct p99 | gateway"
            + " p99 | added p99 | gateway p90 / max | gateway CPU / request | PostgreSQL CPU /"
            + " request | gateway 2xx / other / errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int rate : rates) {
      List<Step> d = new ArrayList<>();
      List<Step> g = new ArrayList<>();
      long cpu = 0;
      long pg = 0;
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < 2; k++) {
          boolean viaGateway = (round % 2 == 0) == (k == 1);
          if (viaGateway) {
            long c0 = ticks(gatewayPid);
            long p0 = ticks(postgres);
            g.add(run(gateway, rate, seconds));
            cpu += ticks(gatewayPid) - c0;
            pg += ticks(postgres) - p0;
          } else {
            d.add(run(direct, rate, seconds));
          }
        }
      }
      int served = g.stream().mapToInt(Step::ok).sum();
      double d50 = median(d, Step::p50);
      double g50 = median(g, Step::p50);
      double d99 = median(d, Step::p99);
      double g99 = median(g, Step::p99);
      System.out.printf(
          "| %d | %.2f ms | %.2f ms | %.2f ms | %.2fx | %.2f ms | %.2f ms | %.2f ms | %.2f / %.1f"
              + " ms | %.3f ms | %.3f ms | %d / %d / %d |%n",
          rate,
          d50,
          g50,
          g50 - d50,
          g50 / d50,
          d99,
          g99,
          g99 - d99,
          median(g, Step::p90),
          median(g, Step::max),
          served == 0 ? 0 : cpu * 1000.0 / HZ / served,
          served == 0 ? 0 : pg * 1000.0 / HZ / served,
          served,
          g.stream().mapToInt(Step::non2xx).sum(),
          g.stream().mapToInt(Step::errors).sum());
    }
  }

  static final long HZ = 100; // USER_HZ of /proc/<pid>/stat on Linux

  /**
   * Warm-up of a gateway until its JIT compilers have settled (under 2% of a core over a 5 s
   * chunk), at most {@code seconds}; {@code alsoWarm} (if not null) gets 1 s after each chunk. On
   * 2 busy cores C2 can still be compiling minutes after start; measuring then would measure the
   * compiler.
   */
  static void warmUp(Target gateway, long pid, int seconds, Target alsoWarm)
      throws InterruptedException {
    int warmed = 0;
    long compiling = Long.MAX_VALUE;
    while (warmed < seconds && compiling > 10) {
      long c0 = compilerTicks(pid);
      run(gateway, 1000, 5);
      compiling = compilerTicks(pid) - c0;
      warmed += 5;
      if (alsoWarm != null) {
        run(alsoWarm, 1000, 1);
      }
    }
    System.err.printf(
        "warm-up: %d s through the gateway at 1,000 req/s; JIT compiler threads used %d ms of"
            + " CPU in the last 5 s%n",
        warmed, compiling * 1000 / HZ);
  }

  static void compare(String[] args) throws Exception {
    Target a = target(args[0], Path.of(args[1]), "Authorization: " + args[2]);
    long pidA = Long.parseLong(args[3]);
    Target b = target(args[4], Path.of(args[1]), "Authorization: " + args[5]);
    long pidB = Long.parseLong(args[6]);
    int rate = Integer.parseInt(args[7]);
    int seconds = Integer.parseInt(args[8]);
    int rounds = Integer.parseInt(args[9]);
    int warmup = Integer.parseInt(args[10]);
    warmUp(a, pidA, warmup, null);
    warmUp(b, pidB, warmup, null);
    List<Step> stepsA = new ArrayList<>();
    List<Step> stepsB = new ArrayList<>();
    long[] cpu = new long[2]; // ticks of A, B
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < 2; k++) {
        boolean isB = (round % 2 == 0) == (k == 1);
        long pid = isB ? pidB : pidA;
        long c0 = ticks(pid);
        Step step = run(isB ? b : a, rate, seconds);
        long used = ticks(pid) - c0;
        (isB ? stepsB : stepsA).add(step);
        cpu[isB ? 1 : 0] += used;
        System.out.printf(
            "round %d %s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms, CPU/request %.3f ms,"
                + " 2xx/other/errors %d/%d/%d%n",
            round,
            isB ? "B" : "A",
            step.p50(),
            step.p90(),
            step.p99(),
            step.max(),
            used * 1000.0 / HZ / Math.max(1, step.ok()),
            step.ok(),
            step.non2xx(),
            step.errors());
      }
    }
    double cpuPerA = cpu[0] * 1000.0 / HZ / Math.max(1, stepsA.stream().mapToInt(Step::ok).sum());
    double cpuPerB = cpu[1] * 1000.0 / HZ / Math.max(1, stepsB.stream().mapToInt(Step::ok).sum());
    double p50A = median(stepsA, Step::p50);
    double p50B = median(stepsB, Step::p50);
    double p99A = median(stepsA, Step::p99);
    double p99B = median(stepsB, Step::p99);
    System.out.println();
    System.out.println("| gateway | p50 | p99 | CPU / request |");
    System.out.println("|---|---|---|---|");
    System.out.printf("| A | %.2f ms | %.2f ms | %.3f ms |%n", p50A, p99A, cpuPerA);
    System.out.printf("| B | %.2f ms | %.2f ms | %.3f ms |%n", p50B, p99B, cpuPerB);
    System.out.printf(
        "| B / A | %.2fx | %.2fx | %.2fx |%n", p50B / p50A, p99B / p99A, cpuPerB / cpuPerA);
  }

  static Target target(String url, Path body, String header) throws IOException {
    URI uri = URI.create(url);
    byte[] content = Files.readAllBytes(body);
    StringBuilder head = new StringBuilder();
    head.append("POST ").append(uri.getRawPath()).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    head.append("Content-Type: application/json\r\n");
    head.append("Content-Length: ").append(content.length).append("\r\n");
    if (header != null) {
      head.append(header).append("\r\n");
    }
    head.append("\r\n");
    return new Target(uri, concat(head.toString().getBytes(StandardCharsets.US_ASCII), content));
  }

  static double median(List<Step> steps, java.util.function.ToDoubleFunction<Step> f) {
    double[] v = steps.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static long ticks(long... pids) {
    long sum = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      } catch (IOException e) {
        // the process is gone; count nothing
      }
    }
    return sum;
  }

  /** CPU ticks of the JVM's compiler threads ("C1 CompilerThre", "C2 CompilerThre"). */
  static long compilerTicks(long pid) {
    long sum = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            String stat = Files.readString(task.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return sum;
  }

  /** One step: {@code rate} requests a second for {@code seconds}, open loop. */
  static Step run(Target target, int rate, int seconds) throws InterruptedException {
    int total = rate * seconds;
    LinkedBlockingQueue<Long> due = new LinkedBlockingQueue<>();
    long[] latencies = new long[total];
    AtomicInteger done = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger non2xx = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      workers.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    Connection conn = null;
                    while (true) {
                      long dueAt;
                      try {
                        dueAt = due.take();
                      } catch (InterruptedException e) {
                        return;
                      }
                      if (dueAt < 0) {
                        if (conn != null) {
                          conn.close();
                        }
                        return;
                      }
                      int status;
                      try {
                        if (conn == null) {
                          conn = new Connection(target.url().getHost(), target.url().getPort());
                        }
                        status = conn.exchange(target.request());
                      } catch (IOException | RuntimeException e) {
                        status = -1;
                        if (conn != null) {
                          conn.close();
                        }
                        conn = null;
                      }
                      long latency = System.nanoTime() - dueAt;
                      int n = done.getAndIncrement();
                      if (n < latencies.length) {
                        latencies[n] = latency;
                      }
                      if (status < 0) {
                        errors.incrementAndGet();
                      } else if (status >= 200 && status < 300) {
                        ok.incrementAndGet();
                      } else {
                        non2xx.incrementAndGet();
                      }
                    }
                  }));
    }
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    double interval = 1e9 / rate;
    for (int i = 0; i < total; i++) {
      long at = start + (long) (i * interval);
      long wait;
      while ((wait = at - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      due.add(at);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (done.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      due.add(-1L);
    }
    for (Thread w : workers) {
      w.join(1000);
    }
    int n = Math.min(done.get(), total);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    return new Step(
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        n == 0 ? 0 : sorted[n - 1] / 1e6,
        ok.get(),
        non2xx.get(),
        errors.get() + (total - n));
  }

  /** Nearest-rank percentile in milliseconds. */
  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** One keep-alive connection; reads a response with content-length or chunked framing. */
  static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Connection(String host, int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        String name = h.substring(0, colon).trim().toLowerCase();
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      if (chunked) {
        for (long size = Long.parseLong(line().split(";")[0].trim(), 16);
            size > 0;
            size = Long.parseLong(line().split(";")[0].trim(), 16)) {
          skip(size);
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (length > 0) {
        skip(length);
      }
      if (close) {
        throw new IOException("server closed the connection");
      }
      return status;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long s = in.skip(n);
        if (s <= 0) {
          if (in.read() < 0) {
            throw new IOException("eof");
          }
          s = 1;
        }
        n -= s;
      }
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int len = b.length();
          return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
        }
        b.append((char) c);
      }
      throw new IOException("eof");
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }
}
