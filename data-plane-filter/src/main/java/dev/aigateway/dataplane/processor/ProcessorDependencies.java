package dev.aigateway.dataplane.processor;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.auth.ClientKeyAuthenticator;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.cooldown.CooldownPublisher;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.routing.TargetSelector;
import dev.aigateway.dataplane.telemetry.Tracing;
import dev.aigateway.dataplane.usage.TokenEstimator;
import dev.aigateway.dataplane.usage.UsageRecorder;
import java.time.Clock;
import java.util.function.Supplier;

/** What every per-stream processor shares. */
public record ProcessorDependencies(
    Supplier<ConfigSnapshot> config,
    ClientKeyAuthenticator authenticator,
    TargetSelector selector,
    CredentialInjector credentials,
    TokenEstimator estimator,
    Admission admission,
    UsageRecorder recorder,
    Clock clock,
    long maxRequestBodyBytes,
    Tracing tracing,
    CooldownPublisher cooldowns) {

  public ProcessorDependencies {
    requireNonNull(config, "config");
    requireNonNull(authenticator, "authenticator");
    requireNonNull(selector, "selector");
    requireNonNull(credentials, "credentials");
    requireNonNull(estimator, "estimator");
    requireNonNull(admission, "admission");
    requireNonNull(recorder, "recorder");
    requireNonNull(clock, "clock");
    requireNonNull(tracing, "tracing");
    requireNonNull(cooldowns, "cooldowns");
  }

  /** Production defaults around a config source, an admission and a recorder. */
  public static ProcessorDependencies of(
      Supplier<ConfigSnapshot> config,
      Admission admission,
      UsageRecorder recorder,
      CredentialInjector credentials,
      long maxRequestBodyBytes) {
    Clock clock = Clock.systemUTC();
    return new ProcessorDependencies(
        config,
        new ClientKeyAuthenticator(clock),
        TargetSelector.threadLocalRandom(),
        credentials,
        new TokenEstimator(),
        admission,
        recorder,
        clock,
        maxRequestBodyBytes,
        Tracing.OFF,
        CooldownPublisher.NONE);
  }

  /** The same dependencies, traced by {@code tracing}. */
  public ProcessorDependencies withTracing(Tracing tracing) {
    return with(tracing, cooldowns);
  }

  /**
   * The same dependencies, handing the targets' cooldowns to {@code publisher} (for the control
   * plane; without it a cooldown stays on this replica).
   */
  public ProcessorDependencies withCooldowns(CooldownPublisher publisher) {
    return with(tracing, publisher);
  }

  private ProcessorDependencies with(Tracing tracing, CooldownPublisher cooldowns) {
    return new ProcessorDependencies(
        config,
        authenticator,
        selector,
        credentials,
        estimator,
        admission,
        recorder,
        clock,
        maxRequestBodyBytes,
        tracing,
        cooldowns);
  }
}
