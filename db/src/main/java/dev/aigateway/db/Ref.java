package dev.aigateway.db;

import java.util.UUID;

/** A reference to another resource, for example a model that still targets a provider. */
public record Ref(String type, UUID id, String name) {}
