package dev.aigateway.dataplane.credential;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials that could not produce headers: logged once when one starts failing and once when it
 * recovers (not per request), counted per provider and kind in {@code
 * gateway_upstream_credential_failures_total}, and reported to a {@link CredentialStatusSink}.
 */
final class CredentialFailures {
  private static final Logger log = LoggerFactory.getLogger(CredentialFailures.class);

  private final MeterRegistry registry;
  private final CredentialStatusSink sink;
  private final Map<UUID, String> failing = new ConcurrentHashMap<>();
  private final Set<UUID> worked = ConcurrentHashMap.newKeySet();

  CredentialFailures(MeterRegistry registry, CredentialStatusSink sink) {
    this.registry = registry;
    this.sink = sink;
  }

  void failed(ProviderConfig provider, UpstreamCredential credential, CredentialException e) {
    Counter.builder("gateway_upstream_credential_failures")
        .description("Requests whose provider credential gave no token or signature")
        .tag("provider", provider.name())
        .tag("kind", credential.kind().wire())
        .register(registry)
        .increment();
    warmUpFailed(provider, credential, e);
  }

  /** A failure with no request behind it (the first token, fetched ahead): not counted. */
  void warmUpFailed(ProviderConfig provider, UpstreamCredential credential, CredentialException e) {
    String reason = e.getMessage();
    if (!reason.equals(failing.put(credential.id(), reason))) {
      // The cause's type helps; its message might quote key material and is never logged.
      log.warn("{} (cause: {})", reason, e.causeType());
      sink.failing(credential.id(), reason);
    }
  }

  void succeeded(UpstreamCredential credential) {
    if (!failing.isEmpty() && failing.remove(credential.id()) != null) {
      log.info("credential {} of kind {} works again", credential.id(), credential.kind().wire());
      worked.add(credential.id());
      sink.recovered(credential.id());
    } else if (worked.add(credential.id())) {
      // A failure stored before this process started is cleared by its first success here.
      sink.recovered(credential.id());
    }
  }
}
