package dev.aigateway.controlplane.admin.http;

import java.util.List;

/** A page of a list: {@code {"items", "total", "limit", "offset"}}. */
public record ListResponse<T>(List<T> items, long total, int limit, int offset) {}
