package dev.aigateway.launcher;

import dev.aigateway.controlplane.http.PortInUseException;
import java.util.function.Supplier;

/** Starts a server and, if its port is taken, fails naming the setting that chooses the port. */
final class Ports {
  /** The xDS port in force, to name it when the control plane fails to bind it. */
  static volatile int xdsPort = -1;

  private Ports() {}

  static <T> T bind(String host, int port, String setting, Supplier<T> start) {
    try {
      return start.get();
    } catch (PortInUseException e) {
      if (e.port() != port) {
        // The component binds more than one port (the control plane: admin and xDS).
        String other = e.port() == xdsPort ? ServerOptions.XDS_PORT : "its port setting";
        throw new SettingsException(
            host
                + ":"
                + e.port()
                + " is already in use: stop what uses it or set "
                + other
                + " to a free port");
      }
      throw new SettingsException(
          host
              + ":"
              + port
              + " is already in use: stop what uses it or set "
              + setting
              + " to a free port");
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
