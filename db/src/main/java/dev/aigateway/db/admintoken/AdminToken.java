package dev.aigateway.db.admintoken;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An admin API token as stored (hash only). {@code role} is {@code admin} or {@code viewer}. */
public record AdminToken(
    UUID id,
    String name,
    String role,
    String prefix,
    Instant createdAt,
    @Nullable Instant revokedAt) {}
