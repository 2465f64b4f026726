package dev.aigateway.db.provider;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What may be shown of a provider credential: its kind, a non-secret hint and, when the data plane
 * cannot use it, why (no secret) and since when.
 */
public record CredentialInfo(
    UUID id,
    String kind,
    String hint,
    Instant createdAt,
    @Nullable String error,
    @Nullable Instant failingSince) {}
