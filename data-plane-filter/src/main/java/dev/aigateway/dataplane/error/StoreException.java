package dev.aigateway.dataplane.error;

import org.jspecify.annotations.Nullable;

/**
 * A store (the database behind a port: config feed, counter store, ledger sink) could not do what
 * was asked; it never reaches a client. {@link #refusedContent()} tells the two cases apart that
 * callers handle differently: the store is unreachable or busy (retry the same thing later), or it
 * refused this very data (retrying it can never succeed).
 */
public final class StoreException extends Exception {
  private final boolean refusedContent;

  private StoreException(String message, @Nullable Throwable cause, boolean refusedContent) {
    super(message, cause);
    this.refusedContent = refusedContent;
  }

  /** The store cannot be reached or did not answer in time. */
  public static StoreException unavailable(String message, @Nullable Throwable cause) {
    return new StoreException(message, cause, false);
  }

  /** The store refused the data itself (a constraint, a value out of range, a row too large). */
  public static StoreException refused(String message, Throwable cause) {
    return new StoreException(message, cause, true);
  }

  public boolean refusedContent() {
    return refusedContent;
  }
}
