package dev.aigateway.dataplane.quota;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.admission.ProviderExhaustion;
import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.dataplane.usage.Saturating;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.vocabulary.quota.CounterKey;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet-wide quota admission without a database round trip per request while there is room.
 *
 * <p>Each request reserves, on every applicable quota, its estimated input tokens and (for output,
 * total and cost quotas) its {@code max_tokens} or a default. A reservation is granted locally when
 * this replica's unflushed deltas plus it stay within this replica's share of the headroom last
 * read from the database ({@code (limit - total) / live replicas}). Otherwise, and while a window's
 * total has not been read yet, it goes through one conditional upsert that PostgreSQL checks
 * exactly. See docs/usage-limiting.md for the overshoot bound this gives.
 */
public final class QuotaAdmission implements Admission {
  private static final Logger log = LoggerFactory.getLogger(QuotaAdmission.class);

  /**
   * At most this fraction of a limit, split between the replicas, may be granted without the
   * database confirming it. It bounds the overshoot (every replica's unconfirmed grants together)
   * at 1% of the limit whatever the timing; quotas too small for a request to fit in a replica's
   * part are checked exactly, one statement per request.
   */
  static final double LOCAL_FRACTION = 0.01;

  /** Quotas with a {@code gateway.quota.headroom} gauge at most. */
  static final int MAX_HEADROOM_GAUGES = 1_000;

  private final Supplier<QuotaConfig> config;
  private final FleetCounters counters;
  private final QuotaSettings settings;
  private final Clock clock;
  private final @Nullable MeterRegistry registry;
  private final Object lock = new Object();
  private final Map<UUID, AtomicLong> headroom = new ConcurrentHashMap<>();

  public QuotaAdmission(
      Supplier<QuotaConfig> config,
      FleetCounters counters,
      QuotaSettings settings,
      Clock clock,
      @Nullable MeterRegistry registry) {
    this.config = requireNonNull(config, "config");
    this.counters = requireNonNull(counters, "counters");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.registry = registry;
  }

  /**
   * Only quotas that count input tokens (input, total, cost) reserve the prompt estimate; without
   * one, the jtokkit count would be the largest CPU cost of the request for nothing.
   */
  @Override
  public boolean needsTokenEstimate(UUID keyId, UUID teamId, String model) {
    return config.get().applicable(keyId, teamId, model).stream()
        .anyMatch(rule -> rule.metric() != QuotaMetric.OUTPUT_TOKENS);
  }

  /** Output, total and cost quotas reserve the output: the provider must be held to it. */
  @Override
  public @Nullable Long outputCeiling(UUID keyId, UUID teamId, String model) {
    boolean counted =
        config.get().applicable(keyId, teamId, model).stream()
            .anyMatch(rule -> rule.metric() != QuotaMetric.INPUT_TOKENS);
    return counted ? settings.defaultMaxOutputTokens() : null;
  }

  @Override
  public AdmissionDecision admit(AdmissionRequest request) {
    return requireNonNull(admit(request, true));
  }

  /** Null when a reservation needs the database's exact check (nothing is reserved then). */
  @Override
  public @Nullable AdmissionDecision tryAdmit(AdmissionRequest request) {
    return admit(request, false);
  }

  private @Nullable AdmissionDecision admit(AdmissionRequest request, boolean mayBlock) {
    QuotaConfig cfg = config.get();
    List<QuotaRule> rules = cfg.applicable(request.keyId(), request.teamId(), request.model());
    if (rules.isEmpty()) {
      return new AdmissionDecision.Admitted(AdmissionTicket.NONE);
    }
    Instant now = clock.instant();
    Prices prices = cfg.pricesOf(request.model());
    long input = Math.max(0, request.estimatedInputTokens());
    Long max = request.maxOutputTokens();
    long output = max == null || max < 0 ? settings.defaultMaxOutputTokens() : max;

    List<QuotaTicket.Hold> local = new ArrayList<>();
    List<QuotaTicket.Hold> exact = new ArrayList<>();
    synchronized (lock) {
      int replicas = counters.liveReplicas();
      for (QuotaRule rule : rules) {
        QuotaTicket.Hold hold = hold(rule, now, input, output, prices);
        WindowCounter c = counter(hold);
        // A zero reservation still needs a unit of room, so an exhausted quota stops everything.
        if (Saturating.add(c.used(), Math.max(hold.amount(), 1)) > rule.limit()) {
          return reject(rule, now);
        }
        long share = share(rule, c, replicas, true);
        if (c.known() && Saturating.add(c.unflushed(), hold.amount()) <= share) {
          local.add(hold);
        } else {
          exact.add(hold);
        }
      }
      if (!exact.isEmpty() && !mayBlock) {
        return null;
      }
      for (QuotaTicket.Hold h : local) {
        WindowCounter.add(counter(h).pending, h.amount());
      }
      // Exact checks run outside the lock; until their answer arrives their reservations count
      // locally too, or concurrent local grants could use the same room.
      for (QuotaTicket.Hold h : exact) {
        WindowCounter.add(counter(h).inFlush, h.amount());
      }
    }
    List<QuotaTicket.Hold> granted = new ArrayList<>(local);
    boolean ok = true;
    QuotaRule refused = null;
    for (QuotaTicket.Hold h : exact) {
      if (ok) {
        try {
          if (counters.unreachable()) {
            throw StoreException.unavailable(
                "the counter store did not answer the last flush", null);
          }
          ok = counters.addIfWithin(counter(h), h.amount(), h.rule().limit());
        } catch (StoreException | RuntimeException e) {
          log.debug("exact quota check failed ({}); deciding with local knowledge", e.toString());
          WindowCounter.add(counter(h).inFlush, -h.amount());
          ok = admitOffline(h);
          if (ok) {
            granted.add(h);
          } else {
            refused = h.rule();
          }
          continue;
        }
        if (ok) {
          granted.add(h);
        } else {
          refused = h.rule();
        }
      } else {
        // An earlier exact check refused: the rest are not sent.
        WindowCounter.add(counter(h).inFlush, -h.amount());
      }
    }
    if (refused != null) {
      granted.forEach(g -> counters.adjust(g.key(), g.windowEnd(), -g.amount()));
      return reject(refused, now);
    }
    return new AdmissionDecision.Admitted(
        new QuotaTicket(counters, granted, prices, headers(granted, now)));
  }

  @Override
  public void charge(UsageRecord attempt) {
    if (attempt.keyId() == null || attempt.teamId() == null || attempt.model() == null) {
      return;
    }
    QuotaConfig cfg = config.get();
    List<QuotaRule> rules =
        new ArrayList<>(cfg.applicable(attempt.keyId(), attempt.teamId(), attempt.model()));
    if (attempt.provider() != null) {
      rules.addAll(cfg.ofProvider(attempt.provider(), attempt.model()));
    }
    if (rules.isEmpty()) {
      return;
    }
    TokenUsage u = attempt.usage();
    Prices prices = cfg.pricesOf(attempt.model());
    // The window of the attempt's own start: a request that spans midnight counts where it began.
    Instant at = attempt.time();
    for (QuotaRule rule : rules) {
      long amount =
          switch (rule.metric()) {
            case INPUT_TOKENS -> u.inputTokens();
            case OUTPUT_TOKENS -> u.outputTokens();
            case TOTAL_TOKENS -> u.totalTokens();
            case COST_USD ->
                prices.costNanos(u.inputTokens(), u.outputTokens(), u.cachedInputTokens());
          };
      counters.adjust(
          new CounterKey(rule.id(), rule.window().start(at)), rule.window().end(at), amount);
    }
  }

  /**
   * From this replica's counters: the window total last read plus what it charged since, so a quota
   * used up by other replicas is seen within a flush interval. A counter read here for the first
   * time is created, and the next flush learns its total.
   */
  @Override
  public @Nullable ProviderExhaustion providerExhausted(String provider, String model) {
    List<QuotaRule> rules = config.get().ofProvider(provider, model);
    if (rules.isEmpty()) {
      return null;
    }
    Instant now = clock.instant();
    ProviderExhaustion exhausted = null;
    for (QuotaRule rule : rules) {
      Instant end = rule.window().end(now);
      WindowCounter c = counters.counter(new CounterKey(rule.id(), rule.window().start(now)), end);
      track(rule, Saturating.add(rule.limit(), -c.used()));
      if (c.used() >= rule.limit()
          && (exhausted == null
              || end.isAfter(exhausted.until())
              || (end.equals(exhausted.until()) && rule.model() == null))) {
        exhausted = new ProviderExhaustion(end, rule.model());
      }
    }
    return exhausted;
  }

  /** The database is unreachable: only this replica's share of the last known headroom is used. */
  private boolean admitOffline(QuotaTicket.Hold h) {
    synchronized (lock) {
      WindowCounter c = counter(h);
      // Offline the cap cannot apply (nothing gets confirmed until the database is back): each
      // replica spends at most its share of the headroom it last knew.
      long share = share(h.rule(), c, counters.liveReplicas(), false);
      if (Saturating.add(c.unflushed(), h.amount()) <= share
          && Saturating.add(c.used(), h.amount()) <= h.rule().limit()) {
        WindowCounter.add(c.pending, h.amount());
        return true;
      }
      log.debug("quota {} has no local room while the database is unreachable", h.rule().id());
      return false;
    }
  }

  /**
   * What this replica may grant without asking the database: its part of the headroom left after
   * the growth the fleet is expected to have had since the last read and until the next one.
   */
  private long share(QuotaRule rule, WindowCounter c, int replicas, boolean capped) {
    long headroom =
        Saturating.add(
            Saturating.add(rule.limit(), -c.global()), -c.expectedGrowth(settings.flushInterval()));
    long share = Math.max(0, headroom) / replicas;
    return capped ? Math.min(share, (long) (rule.limit() * LOCAL_FRACTION) / replicas) : share;
  }

  private WindowCounter counter(QuotaTicket.Hold h) {
    return counters.counter(h.key(), h.windowEnd());
  }

  private static QuotaTicket.Hold hold(
      QuotaRule rule, Instant now, long input, long output, Prices prices) {
    long amount =
        switch (rule.metric()) {
          case INPUT_TOKENS -> input;
          case OUTPUT_TOKENS -> output;
          case TOTAL_TOKENS -> Saturating.add(input, output);
          case COST_USD -> prices.costNanos(input, output, 0);
        };
    return new QuotaTicket.Hold(
        rule, new CounterKey(rule.id(), rule.window().start(now)), rule.window().end(now), amount);
  }

  private Map<String, String> headers(List<QuotaTicket.Hold> holds, Instant now) {
    QuotaTicket.Hold tightest = null;
    long tightestRemaining = Long.MAX_VALUE;
    for (QuotaTicket.Hold h : holds) {
      long remaining = Saturating.add(h.rule().limit(), -counter(h).used());
      track(h.rule(), remaining);
      if (h.rule().metric().isTokens() && remaining < tightestRemaining) {
        tightest = h;
        tightestRemaining = remaining;
      }
    }
    if (tightest == null) {
      return Map.of();
    }
    return RateLimits.tokenHeaders(
        tightest.rule().limit(), tightestRemaining, Duration.between(now, tightest.windowEnd()));
  }

  private AdmissionDecision reject(QuotaRule rule, Instant now) {
    Map<String, String> headers = Map.of();
    if (rule.metric().isTokens()) {
      CounterKey key = new CounterKey(rule.id(), rule.window().start(now));
      WindowCounter c = counters.counter(key, rule.window().end(now));
      long remaining = Saturating.add(rule.limit(), -c.used());
      track(rule, remaining);
      headers =
          RateLimits.tokenHeaders(
              rule.limit(), remaining, Duration.between(now, rule.window().end(now)));
    }
    if (registry != null) {
      Counter.builder("gateway.quota.rejections")
          .description("Requests refused with 429 because a quota was used up")
          .tag("scope", rule.scope().name().toLowerCase(java.util.Locale.ROOT))
          .tag("metric", rule.metric().name().toLowerCase(java.util.Locale.ROOT))
          .tag("window", rule.window().wireName())
          .register(registry)
          .increment();
    }
    return new AdmissionDecision.Rejected(RateLimits.exceeded(rule, now, headers));
  }

  /** Keeps the {@code gateway.quota.headroom} gauge of a quota current. */
  private void track(QuotaRule rule, long remaining) {
    if (headroom.size() >= MAX_HEADROOM_GAUGES && !headroom.containsKey(rule.id())) {
      return; // a label per quota id: capped, so that config churn cannot grow it without bound
    }
    AtomicLong value =
        headroom.computeIfAbsent(
            rule.id(),
            id -> {
              AtomicLong v = new AtomicLong();
              if (registry != null) {
                Gauge.builder("gateway.quota.headroom", v, AtomicLong::get)
                    .description("What a quota's current window has left, as this replica knows it")
                    .tag("quota", id.toString())
                    .tag("metric", rule.metric().name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
              }
              return v;
            });
    value.set(Math.max(0, remaining));
  }
}
