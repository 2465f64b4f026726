package dev.aigateway.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The packaged gateway started as a separate process, the way users start it. */
final class GatewayProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final int adminPort;
  final int xdsPort;
  final int extProcPort;
  final Path log;

  private GatewayProcess(Process process, int adminPort, int xdsPort, int extProcPort, Path log) {
    this.process = process;
    this.adminPort = adminPort;
    this.xdsPort = xdsPort;
    this.extProcPort = extProcPort;
    this.log = log;
  }

  static GatewayProcess start(Path dataDir, Map<String, String> env, String... extraArgs)
      throws IOException {
    int admin = freePort();
    int xds = freePort();
    int extProc = freePort();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "run",
            "--data-dir",
            dataDir.toString(),
            "--admin-port",
            Integer.toString(admin),
            "--xds-port",
            Integer.toString(xds),
            "--ext-proc-port",
            Integer.toString(extProc)));
    args.addAll(List.of(extraArgs));
    return launch(args, env, admin, xds, extProc);
  }

  /**
   * Any command of the packaged gateway with exactly these arguments; the ports are what the caller
   * passed in them (-1 where the command has none), for {@link #get} and friends.
   */
  static GatewayProcess launch(
      List<String> args, Map<String, String> env, int adminPort, int xdsPort, int extProcPort)
      throws IOException {
    return launch(packagedJar("gateway.jar"), args, env, adminPort, xdsPort, extProcPort);
  }

  /** The packaged jar failsafe names in this system property (gateway.jar, ...). */
  static String packagedJar(String property) {
    String jar = System.getProperty(property);
    if (jar == null) {
      throw new IllegalStateException("system property " + property + " is not set (failsafe)");
    }
    return jar;
  }

  /** As above, from another packaged jar (gateway-dataplane.jar). */
  static GatewayProcess launch(
      String jar,
      List<String> args,
      Map<String, String> env,
      int adminPort,
      int xdsPort,
      int extProcPort)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-jar", jar));
    command.addAll(args);
    Path log = Files.createTempFile("gateway-process", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
    // The tests' fake providers listen on loopback, which a gateway refuses by default.
    builder.environment().put("GATEWAY_ALLOW_PRIVATE_UPSTREAMS", "true");
    builder.environment().putAll(env);
    return new GatewayProcess(builder.start(), adminPort, xdsPort, extProcPort, log);
  }

  /** {@code run} with this admin token and proxy port, once {@code /readyz} answers 200. */
  static GatewayProcess startReady(Path dataDir, String adminToken, int proxyPort)
      throws Exception {
    return startReady(dataDir, adminToken, proxyPort, Map.of());
  }

  /** As above, with more environment variables (a cloud identity, for instance). */
  static GatewayProcess startReady(
      Path dataDir, String adminToken, int proxyPort, Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("GATEWAY_ADMIN_TOKEN", adminToken);
    GatewayProcess gateway = start(dataDir, all, "--proxy-port", Integer.toString(proxyPort));
    gateway.awaitReady(Duration.ofSeconds(90));
    return gateway;
  }

  /** Ports handed out in this JVM: the kernel may offer a closed probe's port again. */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free loopback port that no earlier call in this JVM returned. */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** Waits until {@code /readyz} answers 200; returns how long it took. */
  Duration awaitReady(Duration timeout) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("gateway exited early:\n" + output());
      }
      if (get("/readyz").map(r -> r.statusCode() == 200).orElse(false)) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("gateway not ready within " + timeout + ":\n" + output());
  }

  Optional<HttpResponse<String>> get(String path) {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** SIGTERM, then waits for the process to exit; returns its exit code. */
  int terminate(Duration timeout) throws Exception {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("gateway did not stop within " + timeout);
    }
    return process.exitValue();
  }

  /** SIGKILL: nothing of the gateway's own shutdown runs. */
  void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
