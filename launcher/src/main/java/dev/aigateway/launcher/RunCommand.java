package dev.aigateway.launcher;

import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ServerEventLoops;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.PoolLimits;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.proxy.EmbeddedProxy;
import dev.aigateway.proxy.NettyTransport;
import dev.aigateway.proxy.ProxyEventLoops;
import dev.aigateway.tls.TlsFiles;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gateway run}: the whole gateway in one process. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole gateway in one process: database (embedded PostgreSQL unless"
          + " GATEWAY_DATABASE_URL is set), control plane (admin API, console, xDS), ext_proc"
          + " service and the embedded proxy, talking to each other over their real protocols on"
          + " loopback."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions servers;
  @Mixin ProxyOptions proxyOptions;
  @Mixin TlsOptions tlsOptions;
  @Mixin AdminSecurityOptions adminSecurity;

  @picocli.CommandLine.Option(
      names = "--demo",
      description =
          "Also start a local fake OpenAI-compatible provider and seed a provider, model, team, key"
              + " and quota, then print a ready curl command (no provider account needed).")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    servers.validate();
    DatabaseSettings dbSettings = database.settings();
    byte[] secretKey = SecretOptions.currentKey(dbSettings.dataDir());
    // Every gRPC link of the process (xDS, ext_proc) is mutual TLS, even on loopback: a local
    // user who reaches the ext_proc port could otherwise read provider credentials.
    TlsFiles tls =
        tlsOptions.configuredOrGenerated(
            dbSettings.dataDir(), java.util.List.of(servers.bindAddress, servers.extProcHost));
    if (demo) {
      adminSecurity.allowPrivateUpstreams = true; // the demo's fake provider is on loopback
    }
    ControlPlaneSecurity security = adminSecurity.security(tls, tlsOptions.forEnvoys(tls));
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Lifecycle lifecycle = new Lifecycle();
    try {
      ControlPlaneDatabase cpDb =
          ControlPlaneDatabase.open(
              dbSettings, new SecretCipher(secretKey, SecretOptions.previousKeys()));
      Database db = lifecycle.add(cpDb.database());
      // The data plane's own connections: admin traffic cannot starve it (issue 14 item 9).
      Database dataPlaneDb =
          lifecycle.add(db.newPool(PoolLimits.dataPlane(dbSettings.maxPoolSize())));
      ControlPlane controlPlane =
          lifecycle.add(
              Components.controlPlane(
                  servers, security, cpDb, dbSettings.dataDir(), secretKey, registry));
      // The proxy and the ext_proc server share event loops, and the proxy calls the ext_proc
      // in-process: each stream runs on the loop of the request that opened it, with no TLS,
      // HTTP/2 framing or protobuf encoding between the two (docs/benchmarks.md). Envoys and
      // proxies of other processes use the TCP port as before. -Dgateway.ext-proc.in-process=false
      // keeps the embedded proxy on TCP too (a connection pinned to the same loop), for comparison.
      ProxyEventLoops loops = new ProxyEventLoops(0);
      String inProcessName =
          Boolean.parseBoolean(System.getProperty("gateway.ext-proc.in-process", "true"))
              ? "ext-proc-" + java.util.UUID.randomUUID()
              : null;
      lifecycle.add(() -> loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
      ExtProcServer extProc =
          lifecycle.add(
              Components.extProc(
                  servers,
                  dataPlaneDb,
                  dbSettings.dataDir(),
                  secretKey,
                  registry,
                  tls,
                  new ServerEventLoops(loops, NettyTransport.serverChannel(), inProcessName)));
      loops.pinLoopbackClients(extProc.port());
      if (inProcessName != null) {
        loops.linkInProcess(extProc.port(), inProcessName);
      }
      String xdsHost = servers.bindAddress.equals("0.0.0.0") ? "127.0.0.1" : servers.bindAddress;
      EmbeddedProxy proxy =
          lifecycle.add(
              EmbeddedProxy.start(
                  proxyOptions.settings(xdsHost, servers.xdsPort, servers.bindAddress, registry),
                  loops,
                  tls));
      int proxyPort = awaitProxy(proxy);
      Demo.Seeded seeded = null;
      if (demo) {
        seeded = Demo.seed(db, servers.bindAddress, controlPlane.adminPort());
        lifecycle.add(seeded.provider());
      }
      printBanner(System.out, db, dbSettings, controlPlane, extProc, proxyPort, tls);
      if (seeded != null) {
        Demo.printTryIt(
            System.out,
            servers.bindAddress,
            proxyPort,
            controlPlane.adminPort(),
            seeded.keySecret());
      }
      controlPlane.markStarted();
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
    lifecycle.awaitShutdown();
    return 0;
  }

  /** Waits until the proxy has its listener from xDS; a port that is taken fails the start. */
  private int awaitProxy(EmbeddedProxy proxy) throws Exception {
    try {
      return proxy.awaitListener(Duration.ofSeconds(30));
    } catch (TimeoutException e) {
      throw new SettingsException(
          "the embedded proxy got no listener from the control plane within 30 s (is fleet '"
              + proxyOptions.fleet
              + "' defined, and is its listener port free? see "
              + ProxyOptions.PROXY_PORT
              + ")");
    }
  }

  private void printBanner(
      PrintStream out,
      Database db,
      DatabaseSettings dbSettings,
      ControlPlane controlPlane,
      ExtProcServer extProc,
      int proxyPort,
      TlsFiles tlsFiles) {
    String host = servers.bindAddress;
    String admin = "http://" + host + ":" + controlPlane.adminPort();
    out.println();
    out.println("AI gateway is running");
    out.printf(
        "  OpenAI API      http://%s:%d/v1/   (fleet %s)%n", host, proxyPort, proxyOptions.fleet);
    out.printf("  Admin API       %s/api/v1/%n", admin);
    out.printf("  Console         %s/%n", admin);
    out.printf("  Health          %s/healthz  %s/readyz%n", admin, admin);
    out.printf("  Metrics         %s/metrics%n", admin);
    out.printf("  xDS (ADS)       %s:%d%n", host, servers.xdsPort);
    out.printf("  ext_proc        %s:%d%n", host, extProc.port());
    out.printf("  gRPC TLS        mutual TLS, CA %s%n", tlsFiles.ca());
    out.printf("  Data directory  %s%n", dbSettings.dataDir());
    out.printf(
        "  Database        %s%n",
        db.isEmbedded()
            ? "embedded PostgreSQL (data in " + dbSettings.dataDir().resolve("postgres") + ")"
            : dev.aigateway.db.Redaction.jdbcUrl(db.jdbcUrl()));
    for (String note : controlPlane.startupNotes()) {
      out.println("  " + note);
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }
}
