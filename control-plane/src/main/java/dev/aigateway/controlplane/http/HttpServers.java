package dev.aigateway.controlplane.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.util.function.Consumer;

/** Builds and starts the Javalin servers of the gateway with shared defaults. */
public final class HttpServers {
  private HttpServers() {}

  /**
   * Creates and starts a server on {@code host:port}; {@code configure} adds routes and handlers.
   *
   * @throws PortInUseException when the port is taken
   */
  public static Javalin start(String host, int port, Consumer<JavalinConfig> configure) {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = 1_000_000L;
              config.jetty.host = host;
              config.jetty.port = port;
              SecurityHeaders.apply(config);
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new ProblemErrorHandler()));
              configure.accept(config);
            });
    try {
      return app.start();
    } catch (RuntimeException e) {
      if (PortInUseException.isBindFailure(e)) {
        throw new PortInUseException(host, port, e);
      }
      throw e;
    }
  }
}
