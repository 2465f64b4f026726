package dev.aigateway.proxy.xds;

/** A resource the proxy cannot apply; its message becomes the NACK's error_detail. */
public final class InvalidResourceException extends Exception {
  public InvalidResourceException(String message) {
    super(message, null, false, false);
  }
}
