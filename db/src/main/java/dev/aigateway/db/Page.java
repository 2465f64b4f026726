package dev.aigateway.db;

import java.util.List;

/** One page of a list and the total number of matching rows. */
public record Page<T>(List<T> items, long total) {
  public Page {
    items = List.copyOf(items);
  }
}
