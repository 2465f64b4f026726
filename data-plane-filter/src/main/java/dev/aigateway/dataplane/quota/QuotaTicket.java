package dev.aigateway.dataplane.quota;

import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.usage.Saturating;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reservations one admitted request holds. On completion each is replaced by the usage
 * (reported, or counted from the delivered text); a request the provider may have served without
 * anything known keeps them as its charge; one that never reached a provider, or that the provider
 * refused, gives them back.
 */
final class QuotaTicket implements AdmissionTicket {

  /** A reservation of {@code amount} units on one counter. */
  record Hold(QuotaRule rule, CounterKey key, Instant windowEnd, long amount) {}

  private final FleetCounters counters;
  private final List<Hold> holds;
  private final Prices prices;
  private final Map<String, String> headers;
  private final AtomicBoolean done = new AtomicBoolean();

  QuotaTicket(
      FleetCounters counters, List<Hold> holds, Prices prices, Map<String, String> headers) {
    this.counters = counters;
    this.holds = List.copyOf(holds);
    this.prices = prices;
    this.headers = Map.copyOf(headers);
  }

  @Override
  public Map<String, String> responseHeaders() {
    return headers;
  }

  @Override
  public void settle(UsageRecord record) {
    switch (record.source()) {
      case NONE -> {
        // Nothing reached a provider, or it refused the request: nothing was used.
        release(record);
        return;
      }
      case RESERVED -> {
        // Usage unknown for a request the provider may have served: the reservation is the charge.
        done.set(true);
        return;
      }
      case REPORTED, COUNTED -> {}
    }
    if (!done.compareAndSet(false, true)) {
      return;
    }
    TokenUsage u = record.usage();
    for (Hold h : holds) {
      long actual =
          switch (h.rule().metric()) {
            case INPUT_TOKENS -> u.inputTokens();
            case OUTPUT_TOKENS -> u.outputTokens();
            case TOTAL_TOKENS -> u.totalTokens();
            case COST_USD ->
                prices.costNanos(u.inputTokens(), u.outputTokens(), u.cachedInputTokens());
          };
      counters.adjust(h.key(), h.windowEnd(), Saturating.add(actual, -h.amount()));
    }
  }

  @Override
  public void release(UsageRecord record) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    for (Hold h : holds) {
      counters.adjust(h.key(), h.windowEnd(), -h.amount());
    }
  }
}
