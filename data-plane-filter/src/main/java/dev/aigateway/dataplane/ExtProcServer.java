package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
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

  private ExtProcServer(Server server) {
    this.server = server;
  }

  /**
   * Starts serving on the configured port.
   *
   * <p>UNFINISHED: the ExternalProcessor service is not registered yet (issue 5).
   */
  public static ExtProcServer start(
      ExtProcSettings settings, Database database, MeterRegistry registry) {
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    requireNonNull(registry, "registry");
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.bindAddress(), settings.port()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ext_proc server could not listen on " + settings.bindAddress() + ":" + settings.port(),
          e);
    }
    log.info("ext_proc listening on {}:{}", settings.bindAddress(), server.getPort());
    return new ExtProcServer(server);
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
    }
  }
}
