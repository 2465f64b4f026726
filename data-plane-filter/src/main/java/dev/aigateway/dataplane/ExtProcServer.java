package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.config.LastGoodConfig;
import dev.aigateway.dataplane.cooldown.CooldownPublisher;
import dev.aigateway.dataplane.cooldown.CooldownWriter;
import dev.aigateway.dataplane.credential.CloudEnvironment;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.credential.CredentialStatusSink;
import dev.aigateway.dataplane.ledger.LedgerRecorder;
import dev.aigateway.dataplane.ledger.LedgerSettings;
import dev.aigateway.dataplane.processor.ExtProcService;
import dev.aigateway.dataplane.processor.ProcessingPoint;
import dev.aigateway.dataplane.processor.ProcessorDependencies;
import dev.aigateway.dataplane.quota.FleetCounters;
import dev.aigateway.dataplane.quota.QuotaAdmission;
import dev.aigateway.dataplane.quota.QuotaSettings;
import dev.aigateway.dataplane.store.file.CounterFile;
import dev.aigateway.dataplane.store.file.SealedSnapshotFile;
import dev.aigateway.dataplane.store.postgres.PostgresConfigFeed;
import dev.aigateway.dataplane.store.postgres.PostgresCooldownStore;
import dev.aigateway.dataplane.store.postgres.PostgresCounterStore;
import dev.aigateway.dataplane.store.postgres.PostgresCredentialStatus;
import dev.aigateway.dataplane.store.postgres.PostgresLedgerSink;
import dev.aigateway.dataplane.store.postgres.TeamNames;
import dev.aigateway.dataplane.telemetry.Tracing;
import dev.aigateway.dataplane.usage.GenAiMetrics;
import dev.aigateway.dataplane.usage.SpendMetrics;
import dev.aigateway.dataplane.usage.UsageRecorder;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ext_proc gRPC server Envoys (and the embedded proxy) call for every request. */
public final class ExtProcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExtProcServer.class);

  private final Server server;
  private final List<Server> inProcess;
  private final ConfigStore config;
  private final List<AutoCloseable> owned;
  private final java.time.Duration drainGrace;

  private ExtProcServer(
      Server server,
      List<Server> inProcess,
      ConfigStore config,
      List<AutoCloseable> owned,
      java.time.Duration drainGrace) {
    this.drainGrace = drainGrace;
    this.server = server;
    this.inProcess = inProcess;
    this.config = config;
    this.owned = owned;
  }

  /**
   * Starts serving with the production usage limiting: fleet-wide quotas ({@link QuotaAdmission})
   * and the usage ledger ({@link LedgerRecorder}); they are stopped with the server, after it.
   */
  public static ExtProcServer startWithUsageLimiting(
      ExtProcSettings settings, Database database, MeterRegistry registry) {
    return startWithUsageLimiting(settings, database, registry, null);
  }

  /**
   * Like {@link #startWithUsageLimiting(ExtProcSettings, Database, MeterRegistry)}, with the gRPC
   * server on the given event loops (null: its own); the caller shuts them down after {@link
   * #close()}.
   */
  public static ExtProcServer startWithUsageLimiting(
      ExtProcSettings settings,
      Database database,
      MeterRegistry registry,
      @Nullable ServerEventLoops loops) {
    Clock clock = Clock.systemUTC();
    QuotaSettings quotaSettings = QuotaSettings.defaults();
    List<AutoCloseable> owned = new ArrayList<>();
    // One snapshot carries keys, models, providers, quotas and prices: admission, the ledger's
    // prices and the request path all read the same revision.
    ConfigStore config =
        ConfigStore.start(
            new PostgresConfigFeed(database, cipher(settings)),
            new SealedSnapshotFile(settings.dataDir(), cipher(settings)));
    try {
      FleetCounters counters =
          new FleetCounters(
                  new PostgresCounterStore(database),
                  quotaSettings,
                  clock,
                  new CounterFile(settings.dataDir()))
              .start();
      owned.add(0, counters);
      LedgerRecorder recorder =
          new LedgerRecorder(
              new PostgresLedgerSink(database),
              () -> config.current().quotas(),
              settings.dataDir(),
              LedgerSettings.defaults(),
              clock,
              registry);
      owned.add(0, recorder);
      return start(
          settings,
          config,
          new PostgresCredentialStatus(database),
          registry,
          new QuotaAdmission(
              () -> config.current().quotas(), counters, quotaSettings, clock, registry),
          recorder,
          CloudEnvironment.system(),
          owned,
          loops,
          database);
    } catch (RuntimeException e) {
      closeAll(owned);
      config.close();
      throw e;
    }
  }

  /** Starts serving on the configured port, admitting every request and recording only metrics. */
  public static ExtProcServer start(
      ExtProcSettings settings, Database database, MeterRegistry registry) {
    return start(settings, database, registry, Admission.ADMIT_ALL, record -> {});
  }

  /**
   * Starts serving with a quota pre-check and a usage recorder (the usage-limiting feature); the
   * GenAI metrics are updated before {@code recorder} is called.
   */
  public static ExtProcServer start(
      ExtProcSettings settings,
      Database database,
      MeterRegistry registry,
      Admission admission,
      UsageRecorder recorder) {
    return start(settings, database, registry, admission, recorder, CloudEnvironment.system());
  }

  /** As above, with the cloud identity environment the credential kinds read (tests). */
  public static ExtProcServer start(
      ExtProcSettings settings,
      Database database,
      MeterRegistry registry,
      Admission admission,
      UsageRecorder recorder,
      CloudEnvironment cloud) {
    requireNonNull(database, "database");
    ConfigStore config =
        ConfigStore.start(new PostgresConfigFeed(database, cipher(settings)), LastGoodConfig.NONE);
    return start(
        settings,
        config,
        new PostgresCredentialStatus(database),
        registry,
        admission,
        recorder,
        cloud,
        List.of(),
        null,
        database);
  }

  private static SecretCipher cipher(ExtProcSettings settings) {
    return new SecretCipher(settings.secretKey(), settings.previousSecretKeys());
  }

  private static ExtProcServer start(
      ExtProcSettings settings,
      ConfigStore config,
      CredentialStatusSink credentialStatus,
      MeterRegistry registry,
      Admission admission,
      UsageRecorder recorder,
      CloudEnvironment cloud,
      List<AutoCloseable> owned,
      @Nullable ServerEventLoops loops,
      @Nullable Database database) {
    requireNonNull(settings, "settings");
    requireNonNull(registry, "registry");
    requireNonNull(admission, "admission");
    requireNonNull(recorder, "recorder");
    Predicate<String> configuredModel = name -> config.current().model(name) != null;
    GenAiMetrics metrics = new GenAiMetrics(registry, configuredModel);
    ExecutorService blocking = BlockingPool.create();
    SpendMetrics.TeamLookup teams = (id, then) -> then.accept(null);
    if (database != null) {
      TeamNames names = new TeamNames(database, () -> config.current().revision(), blocking);
      names.reload();
      teams = names;
    }
    SpendMetrics spend =
        new SpendMetrics(
            registry, configuredModel, model -> config.current().quotas().pricesOf(model), teams);
    UsageRecorder both =
        record -> {
          metrics.record(record);
          spend.record(record);
          recorder.record(record);
        };
    owned = new ArrayList<>(owned);
    owned.add(blocking::shutdownNow);
    CredentialInjector credentials =
        new CredentialInjector(cloud, Clock.systemUTC(), registry, credentialStatus);
    owned.add(credentials);
    credentials.follow(config::current);
    // OTEL_* environment; closed last so the spans of the final requests are flushed.
    Tracing tracing = Tracing.fromEnvironment();
    owned.add(tracing);
    // Targets' cooldowns go to the database for the control plane (issue 19); without one, they
    // stay on this replica.
    CooldownPublisher cooldowns = CooldownPublisher.NONE;
    if (database != null) {
      CooldownWriter writer = new CooldownWriter(new PostgresCooldownStore(database), registry);
      owned.add(writer);
      cooldowns = writer;
    }
    ExtProcService service =
        new ExtProcService(
            ProcessorDependencies.of(
                    config::current, admission, both, credentials, settings.maxRequestBodyBytes())
                .withTracing(tracing)
                .withCooldowns(cooldowns),
            blocking);
    NettyServerBuilder builder = ExtProcServerLimits.builder(settings);
    if (loops != null) {
      builder
          .bossEventLoopGroup(loops.group())
          .workerEventLoopGroup(loops.group())
          .channelType(loops.channelType());
    }
    // The gRPC metadata says which processing point a stream comes from (router or attempt).
    var intercepted = ServerInterceptors.intercept(service, ProcessingPoint.interceptor());
    builder
        .addService(intercepted)
        // Messages are answered on the transport's event loop; work that may block is handed
        // to the pool above by ExtProcService. Message sizes: ExtProcServerLimits.
        .directExecutor();
    permitEnvoyKeepalive(builder);
    Server server = builder.build();
    List<Server> inProcess = inProcessServers(loops, intercepted);
    try {
      server.start();
      for (Server local : inProcess) {
        local.start();
      }
    } catch (IOException e) {
      server.shutdownNow();
      inProcess.forEach(Server::shutdownNow);
      config.close();
      blocking.shutdownNow();
      tracing.close();
      throw new UncheckedIOException(
          "ext_proc server could not listen on " + settings.bindAddress() + ":" + settings.port(),
          e);
    }
    log.info(
        "ext_proc listening on {}:{} ({})",
        settings.bindAddress(),
        server.getPort(),
        settings.tls() == null ? "plaintext" : "mutual TLS");
    if (!inProcess.isEmpty()) {
      log.info("ext_proc also served in-process to the proxy in this process");
    }
    return new ExtProcServer(server, inProcess, config, owned, settings.drainGrace());
  }

  /**
   * One in-process server per event loop for a proxy in the same process ({@code gateway run}): its
   * calls run on that loop, like a TCP connection pinned to it, with no TLS, HTTP/2 framing or
   * protobuf encoding between the two; nothing outside the process can reach them.
   */
  private static List<Server> inProcessServers(
      @Nullable ServerEventLoops loops, io.grpc.ServerServiceDefinition service) {
    if (loops == null || loops.inProcessName() == null) {
      return List.of();
    }
    List<Server> servers = new ArrayList<>();
    int i = 0;
    for (io.netty.util.concurrent.EventExecutor loop : loops.group()) {
      servers.add(
          io.grpc.inprocess.InProcessServerBuilder.forName(loops.inProcessName() + "-" + i++)
              .executor(loop)
              .addService(service)
              .build());
    }
    return List.copyOf(servers);
  }

  /**
   * Envoy's ext_proc cluster pings every 30 s, also on idle connections (ClusterFactory's
   * connection_keepalive); grpc-java's default (5 minutes, no pings without calls) would answer
   * GOAWAY ENHANCE_YOUR_CALM and drop every stream on that connection.
   */
  static void permitEnvoyKeepalive(NettyServerBuilder builder) {
    builder.permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
  }

  /** The config revision being served (0 until the database, or the last good copy, gave one). */
  public long configRevision() {
    return config.current().revision();
  }

  /** True while serving the last good configuration from disk because the database is down. */
  public boolean servingLastGoodConfig() {
    return config.servingLastGood();
  }

  /** The port the server listens on. */
  public int port() {
    return server.getPort();
  }

  /**
   * Stops accepting streams (Envoy sees GOAWAY and opens new streams elsewhere) and lets those in
   * flight finish within the drain grace; only then are the rest cut.
   */
  @Override
  public void close() {
    List<Server> all = new ArrayList<>(inProcess);
    all.add(server);
    all.forEach(Server::shutdown);
    try {
      long deadline = System.nanoTime() + drainGrace.toNanos();
      for (Server s : all) {
        if (!s.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          s.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all.forEach(Server::shutdownNow);
    } finally {
      // The recorder drains its queue (or spools it) only after the last stream has finished.
      closeAll(owned);
      config.close();
    }
  }

  private static void closeAll(List<AutoCloseable> components) {
    for (AutoCloseable component : components) {
      try {
        component.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
