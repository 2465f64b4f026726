package dev.aigateway.db.fleet;

import java.time.Instant;
import java.util.UUID;

/** A named group of Envoys (matched by node cluster) and its listener port. */
public record Fleet(
    UUID id, String name, int listenerPort, long version, Instant createdAt, Instant updatedAt) {
  /** The fleet that exists from the first migration and cannot be deleted. */
  public static final String DEFAULT = "default";
}
