package dev.aigateway.db.usage;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One group's points (for example one model's hourly usage). */
public record UsageSeries(
    @Nullable String group, @Nullable String groupId, List<UsageTotals> points) {
  public UsageSeries {
    points = List.copyOf(points);
  }
}
