package dev.aigateway.db.team;

import java.time.Instant;
import java.util.UUID;

/** A group of client keys. */
public record Team(
    UUID id, String name, long keyCount, long version, Instant createdAt, Instant updatedAt) {}
