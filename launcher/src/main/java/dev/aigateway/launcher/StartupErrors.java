package dev.aigateway.launcher;

import dev.aigateway.controlplane.http.PortInUseException;
import dev.aigateway.db.DatabaseUnavailableException;
import java.io.UncheckedIOException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns startup failures into one line on stderr and a non-zero exit code, not a stack trace. */
final class StartupErrors implements IExecutionExceptionHandler {
  static final int EXIT_CONFIG = 2;
  static final int EXIT_UNAVAILABLE = 3;
  static final int EXIT_INTERNAL = 70;

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, ParseResult parseResult) {
    String message = explain(e);
    commandLine.getErr().println("gateway: " + message);
    commandLine.getErr().flush();
    if (e instanceof SettingsException || e instanceof IllegalArgumentException) {
      return EXIT_CONFIG;
    }
    if (message.startsWith("unexpected")) {
      LoggerFactory.getLogger(StartupErrors.class).error("startup failed", e);
      return EXIT_INTERNAL;
    }
    return EXIT_UNAVAILABLE;
  }

  static String explain(Throwable e) {
    if (e instanceof SettingsException || e instanceof DatabaseUnavailableException) {
      return e.getMessage();
    }
    if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
      return e.getMessage();
    }
    if (PortInUseException.isBindFailure(e)) {
      return "a port is already in use ("
          + e.getMessage()
          + "): stop what uses it or choose another port";
    }
    return "unexpected failure: " + e;
  }
}
