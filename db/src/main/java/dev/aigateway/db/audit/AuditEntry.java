package dev.aigateway.db.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One recorded change: who did what to which resource, with its state before and after. */
public record AuditEntry(
    long id,
    Instant at,
    String actor,
    String action,
    String resourceType,
    @Nullable String resourceId,
    @Nullable JsonNode before,
    @Nullable JsonNode after) {}
