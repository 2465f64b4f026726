package dev.aigateway.controlplane.admin.problem;

/** One invalid field: its path in the request (for example {@code targets[0].weight}). */
public record FieldError(String field, String message) {}
