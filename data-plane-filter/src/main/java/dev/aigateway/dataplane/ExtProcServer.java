package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.config.ConfigLoader;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.processor.ExtProcService;
import dev.aigateway.dataplane.processor.ProcessorDependencies;
import dev.aigateway.dataplane.usage.GenAiMetrics;
import dev.aigateway.dataplane.usage.UsageRecorder;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ext_proc gRPC server Envoys (and the embedded proxy) call for every request. */
public final class ExtProcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExtProcServer.class);

  private final Server server;
  private final ConfigStore config;

  private ExtProcServer(Server server, ConfigStore config) {
    this.server = server;
    this.config = config;
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
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    requireNonNull(registry, "registry");
    requireNonNull(admission, "admission");
    requireNonNull(recorder, "recorder");
    ConfigStore config =
        ConfigStore.start(
            database,
            new ConfigLoader(
                new SecretCipher(settings.secretKey(), settings.previousSecretKeys())));
    GenAiMetrics metrics = new GenAiMetrics(registry);
    UsageRecorder both =
        record -> {
          metrics.record(record);
          recorder.record(record);
        };
    ExtProcService service =
        new ExtProcService(
            ProcessorDependencies.of(
                config::current, admission, both, settings.maxRequestBodyBytes()));
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.bindAddress(), settings.port()))
            .addService(service)
            // Request bodies arrive whole in one message (BUFFERED): allow the configured size.
            .maxInboundMessageSize(
                (int) Math.min(Integer.MAX_VALUE, settings.maxRequestBodyBytes() + (1 << 20)))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      config.close();
      throw new UncheckedIOException(
          "ext_proc server could not listen on " + settings.bindAddress() + ":" + settings.port(),
          e);
    }
    log.info("ext_proc listening on {}:{}", settings.bindAddress(), server.getPort());
    return new ExtProcServer(server, config);
  }

  /** The config revision being served (0 until the database has answered once). */
  public long configRevision() {
    return config.current().revision();
  }

  /** The port the server listens on. */
  public int port() {
    return server.getPort();
  }

  /** Stops accepting streams and waits (bounded) for in-flight ones to finish. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      config.close();
    }
  }
}
