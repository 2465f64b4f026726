package dev.aigateway.launcher;

/** A setting is missing or invalid; the message names it and says how to fix it. */
final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SettingsException(String message) {
    super(message);
  }
}
