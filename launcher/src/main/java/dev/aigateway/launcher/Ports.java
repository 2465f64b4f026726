package dev.aigateway.launcher;

import dev.aigateway.controlplane.http.PortInUseException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Starts a server and, if its port is taken, fails naming the setting that chooses the port. */
final class Ports {
  private Ports() {}

  /**
   * Runs {@code start}; a port conflict becomes one line naming the setting of the port that was
   * taken ({@code settingOf} maps a port to its setting, for components that bind several).
   */
  static <T> T bind(String host, int port, IntFunction<String> settingOf, Supplier<T> start) {
    try {
      return start.get();
    } catch (PortInUseException e) {
      throw inUse(host, e.port(), settingOf.apply(e.port()));
    } catch (RuntimeException e) {
      if (PortInUseException.isBindFailure(e)) {
        throw inUse(host, port, settingOf.apply(port));
      }
      throw e;
    }
  }

  private static SettingsException inUse(String host, int port, String setting) {
    return new SettingsException(
        host
            + ":"
            + port
            + " is already in use: stop what uses it or set "
            + setting
            + " to a free port");
  }
}
