package dev.aigateway.db.secret;

/** A stored secret could not be opened; the message never contains secret material. */
public final class SecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretException(String message) {
    super(message);
  }
}
