package dev.aigateway.launcher;

import dev.aigateway.controlplane.http.PortInUseException;
import java.util.function.Supplier;

/** Starts a server and, if its port is taken, fails naming the setting that chooses the port. */
final class Ports {
  private Ports() {}

  static <T> T bind(String host, int port, String setting, Supplier<T> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      if (PortInUseException.isBindFailure(e)) {
        throw new SettingsException(
            host
                + ":"
                + port
                + " is already in use: stop what uses it or set "
                + setting
                + " to a free port");
      }
      throw e;
    }
  }
}
