package dev.aigateway.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Validation helpers that turn bad settings into one clear {@link SettingsException}. */
final class Settings {
  private Settings() {}

  static void require(boolean condition, String message) {
    if (!condition) {
      throw new SettingsException(message);
    }
  }

  static int port(int port, String setting) {
    require(
        port >= 0 && port <= 65535,
        setting + " must be a port between 1 and 65535 (got " + port + ")");
    return port;
  }

  /** Creates the data directory if needed and checks that it is a readable, writable directory. */
  static Path dataDirectory(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    String fix = " (set --data-dir or GATEWAY_DATA_DIR to a writable directory)";
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new SettingsException("data directory " + absolute + " is not a directory" + fix);
    }
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new SettingsException(
          "cannot create data directory " + absolute + ": " + e.getMessage() + fix);
    }
    if (!Files.isReadable(absolute)
        || !Files.isWritable(absolute)
        || !Files.isExecutable(absolute)) {
      throw new SettingsException(
          "data directory " + absolute + " is not readable and writable" + fix);
    }
    return absolute;
  }
}
