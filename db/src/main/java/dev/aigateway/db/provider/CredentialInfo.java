package dev.aigateway.db.provider;

import java.time.Instant;
import java.util.UUID;

/** What may be shown of a provider credential: its kind and a non-secret hint. */
public record CredentialInfo(UUID id, String kind, String hint, Instant createdAt) {}
