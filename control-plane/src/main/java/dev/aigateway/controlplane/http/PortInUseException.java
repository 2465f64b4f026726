package dev.aigateway.controlplane.http;

import java.net.BindException;

/** A server could not bind its port because something else holds it. */
public final class PortInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int port;

  public PortInUseException(String host, int port, Throwable cause) {
    super(host + ":" + port + " is already in use", cause);
    this.port = port;
  }

  /** The port that could not be bound. */
  public int port() {
    return port;
  }

  /** True when {@code e} or one of its causes is a failure to bind a socket. */
  public static boolean isBindFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException
          || (cause.getMessage() != null
              && cause.getMessage().contains("Address already in use"))) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
