package dev.aigateway.launcher.config;

/** A configuration file or a gateway answer that stops {@code gateway config}; one line. */
final class ConfigException extends RuntimeException {
  ConfigException(String message) {
    super(message);
  }
}
