package dev.aigateway.dataplane.credential;

import org.jspecify.annotations.Nullable;

/**
 * Why a credential gave no headers. The message is shown to clients and logged, so it names the
 * provider and the credential's kind but never a secret, a token, or a library's own message (which
 * can quote key material).
 */
public final class CredentialException extends Exception {
  private static final long serialVersionUID = 1L;

  public CredentialException(String message, @Nullable Throwable cause) {
    super(message, cause, false, false);
  }

  /** The type of the library failure, safe to log (its message may not be). */
  public String causeType() {
    Throwable c = getCause();
    return c == null ? "none" : c.getClass().getName();
  }
}
