package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Chooses a provider credential (round robin when there are several) and gives the headers that
 * carry it, made by the credential's kind class ({@link Authenticator}). A credential that cannot
 * produce them fails the request with a 502 naming the provider, never a secret.
 */
public final class CredentialInjector implements AutoCloseable {
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private final Authenticators authenticators;
  private final CredentialFailures failures;
  private final Set<String> warmed = ConcurrentHashMap.newKeySet();

  public CredentialInjector(
      CloudEnvironment cloud, Clock clock, MeterRegistry registry, CredentialStatusSink sink) {
    this.authenticators =
        new Authenticators(
            new AwsSigV4Signer(requireNonNull(clock, "clock")),
            requireNonNull(cloud, "cloud"),
            clock);
    this.failures =
        new CredentialFailures(requireNonNull(registry, "registry"), requireNonNull(sink, "sink"));
  }

  /** The process's own environment, no metrics registry, no status reports (benchmarks). */
  public CredentialInjector() {
    this(
        CloudEnvironment.system(),
        Clock.systemUTC(),
        new SimpleMeterRegistry(),
        CredentialStatusSink.NONE);
  }

  /**
   * Warms up the credentials of every new config revision {@code config} serves (checked every
   * second on the background thread; the config store itself is not involved).
   */
  public void follow(Supplier<ConfigSnapshot> config) {
    AtomicLong seen = new AtomicLong(-1);
    authenticators.every(
        Duration.ofSeconds(1),
        () -> {
          ConfigSnapshot current = config.get();
          if (current.revision() != seen.getAndSet(current.revision())) {
            warmUp(current);
          }
        });
  }

  /**
   * Fetches the first token of every credential in {@code config} that needs one and was not seen
   * before, on the background thread: the first request then finds it cached, and a credential that
   * cannot produce one shows as failing (log, console) before any request needs it.
   */
  public void warmUp(ConfigSnapshot config) {
    for (ProviderConfig provider : config.providers().values()) {
      if (provider.schema() == null) {
        continue;
      }
      for (UpstreamCredential credential : provider.credentials()) {
        if (!credential.kind().mayBlock()
            || !provider.schema().credentialKinds().contains(credential.kind())
            || !warmed.add(credential.id() + "/" + credential.secrets().hashCode())) {
          continue;
        }
        authenticators.background(
            () -> {
              try {
                authenticators.get(provider, credential).warmUp();
                failures.succeeded(credential);
              } catch (CredentialException e) {
                failures.warmUpFailed(provider, credential, e);
              } catch (RuntimeException e) {
                failures.warmUpFailed(
                    provider,
                    credential,
                    new CredentialException(
                        "Preparing credential " + credential.id() + " failed.", e));
              }
            });
      }
    }
  }

  /** The header values are secrets: callers must never log them. */
  public sealed interface Result {
    record Headers(Map<String, String> headers) implements Result {}

    record Failed(GatewayError error) implements Result {}
  }

  /**
   * Whether {@link #headersFor} may wait on the network (a token endpoint or STS, when no token is
   * cached for a while yet): then the caller runs it where blocking is allowed.
   */
  public boolean mayBlock(ProviderConfig provider) {
    for (UpstreamCredential credential : provider.credentials()) {
      if (credential.kind().mayBlock()) {
        Authenticator auth = authenticators.peek(provider, credential);
        if (auth == null || !auth.ready()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The credential headers for {@code request}, the final translated request (SigV4 signs its path
   * and body, so nothing may change them afterwards).
   */
  public Result headersFor(ProviderConfig provider, UpstreamRequest request) {
    ProviderSchema schema = provider.schema();
    if (schema == null) {
      throw new IllegalStateException("unknown schema " + provider.schemaName());
    }
    Map<String, String> headers = new LinkedHashMap<>(schemaHeaders(schema, provider));
    UpstreamCredential credential = pick(provider);
    if (credential == null) {
      if (schema.credentialOptional()) {
        return new Result.Headers(headers);
      }
      return new Result.Failed(
          GatewayError.badGateway("Provider '" + provider.name() + "' has no credential."));
    }
    if (!schema.credentialKinds().contains(credential.kind())) {
      // Only rows written around the admin API can get here; it refuses such pairs.
      return fail(
          provider,
          credential,
          new CredentialException(
              "Provider '"
                  + provider.name()
                  + "' has a credential of kind '"
                  + credential.kind().wire()
                  + "' that schema '"
                  + schema.wire()
                  + "' cannot use.",
              null));
    }
    try {
      headers.putAll(authenticators.get(provider, credential).headers(provider, request));
    } catch (CredentialException e) {
      return fail(provider, credential, e);
    }
    failures.succeeded(credential);
    return new Result.Headers(headers);
  }

  private Result fail(
      ProviderConfig provider, UpstreamCredential credential, CredentialException e) {
    failures.failed(provider, credential, e);
    return new Result.Failed(
        GatewayError.badGateway(
            "The gateway could not authenticate to provider '"
                + provider.name()
                + "' with its "
                + credential.kind().wire()
                + " credential."));
  }

  /** Headers a schema sends besides the credential. */
  private static Map<String, String> schemaHeaders(ProviderSchema schema, ProviderConfig provider) {
    return switch (schema) {
      case OPENAI -> {
        String organization = provider.setting("organization", "");
        yield organization.isEmpty() ? Map.of() : Map.of("openai-organization", organization);
      }
      case OPENAI_COMPATIBLE, AZURE_OPENAI, ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX -> Map.of();
    };
  }

  private UpstreamCredential pick(ProviderConfig provider) {
    List<UpstreamCredential> all = provider.credentials();
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() == 1) {
      return all.getFirst();
    }
    long n = counters.computeIfAbsent(provider.name(), k -> new AtomicLong()).getAndIncrement();
    return all.get((int) Math.floorMod(n, (long) all.size()));
  }

  @Override
  public void close() {
    authenticators.close();
  }
}
