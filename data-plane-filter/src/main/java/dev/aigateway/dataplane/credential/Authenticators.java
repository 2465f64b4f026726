package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * One {@link Authenticator} per credential and version of its fields, kept while it is used so its
 * tokens are cached; the one switch from credential kind to its class.
 */
final class Authenticators implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Authenticators.class);

  /** What a kind's class may use; {@code description} names provider and kind, no secret. */
  record Context(
      UpstreamCredential credential,
      ProviderConfig provider,
      CloudEnvironment cloud,
      ScheduledExecutorService scheduler,
      Clock clock,
      String description) {

    @Nullable String field(String name) {
      return credential.secret(name);
    }

    String required(String name) throws CredentialException {
      String value = credential.secret(name);
      if (value == null) {
        throw new CredentialException("The " + description + " has no field '" + name + "'.", null);
      }
      return value;
    }

    String authorityHost() {
      return provider.setting("authority_host", ProviderSchema.AZURE_AUTHORITY);
    }

    RefreshingToken token(RefreshingToken.Source source) {
      return new RefreshingToken(description, source, scheduler, clock);
    }
  }

  /** A changed field or provider setting (region, authority host) makes a new authenticator. */
  private record Key(UUID credentialId, String fingerprint) {}

  private final AwsSigV4Signer signer;
  private final CloudEnvironment cloud;
  private final Clock clock;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("credential-refresh").daemon().factory());
  private final Cache<Key, Authenticator> cache =
      Caffeine.newBuilder()
          .maximumSize(10_000)
          // A replaced or removed credential stops refreshing after an hour unused.
          .expireAfterAccess(Duration.ofHours(1))
          .removalListener(
              (Key key, Authenticator auth, RemovalCause cause) -> {
                if (auth != null) {
                  auth.close();
                }
              })
          .build();
  private volatile @Nullable AwsCredentialsProvider awsChain;

  Authenticators(AwsSigV4Signer signer, CloudEnvironment cloud, Clock clock) {
    this.signer = requireNonNull(signer, "signer");
    this.cloud = requireNonNull(cloud, "cloud");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Runs {@code task} on the refresh thread every {@code period}; its failures are logged. */
  void every(Duration period, Runnable task) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.warn("credential warm-up failed: {}", e.getClass().getName());
          }
        },
        0,
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} on the refresh thread (never a request's). */
  void background(Runnable task) {
    scheduler.execute(task);
  }

  /** The authenticator already made for this credential, or null (never creates one). */
  @Nullable Authenticator peek(ProviderConfig provider, UpstreamCredential credential) {
    return cache.getIfPresent(new Key(credential.id(), fingerprint(provider, credential)));
  }

  Authenticator get(ProviderConfig provider, UpstreamCredential credential)
      throws CredentialException {
    Key key = new Key(credential.id(), fingerprint(provider, credential));
    Authenticator auth = cache.getIfPresent(key);
    if (auth != null) {
      return auth;
    }
    synchronized (this) {
      auth = cache.getIfPresent(key);
      if (auth == null) {
        auth = create(context(provider, credential));
        cache.put(key, auth);
      }
      return auth;
    }
  }

  private Context context(ProviderConfig provider, UpstreamCredential credential) {
    String description =
        "credential "
            + credential.id()
            + " ("
            + credential.kind().wire()
            + ") of provider '"
            + provider.name()
            + "'";
    return new Context(credential, provider, cloud, scheduler, clock, description);
  }

  private Authenticator create(Context c) throws CredentialException {
    return switch (c.credential().kind()) {
      case API_KEY -> new ApiKeyAuth(c.required("api_key"));
      case AWS -> {
        String id = c.required("access_key_id");
        String secret = c.required("secret_access_key");
        String session = c.field("session_token");
        yield new AwsKeysAuth(
            signer,
            session == null
                ? AwsCredentialsIdentity.create(id, secret)
                : AwsSessionCredentialsIdentity.create(id, secret, session));
      }
      case AWS_DEFAULT ->
          AwsDefaultAuth.create(
              signer,
              awsChain(),
              c.provider().setting("region", "us-east-1"),
              c.field("role_arn"),
              c.field("external_id"),
              c.field("session_name"),
              cloud.get("AWS_ENDPOINT_URL_STS"),
              c.description());
      case GCP_SERVICE_ACCOUNT ->
          GcpServiceAccountAuth.create(c.required("service_account_json"), c);
      case GCP_DEFAULT -> GcpDefaultAuth.create(c);
      case AZURE_CLIENT_SECRET ->
          AzureClientSecretAuth.create(
              c.required("tenant_id"), c.required("client_id"), c.required("client_secret"), c);
      case AZURE_DEFAULT -> AzureDefaultAuth.create(c);
    };
  }

  /** The process's AWS default chain, made once: its credentials are refreshed in background. */
  private AwsCredentialsProvider awsChain() {
    AwsCredentialsProvider chain = awsChain;
    if (chain == null) {
      synchronized (this) {
        chain = awsChain;
        if (chain == null) {
          chain = DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build();
          awsChain = chain;
        }
      }
    }
    return chain;
  }

  private static String fingerprint(ProviderConfig provider, UpstreamCredential credential) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : new TreeMap<>(credential.secrets()).entrySet()) {
        sha.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      sha.update(
          ("region="
                  + provider.setting("region", "")
                  + "\nauthority_host="
                  + provider.setting("authority_host", "")
                  + "\nprovider="
                  + provider.name())
              .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    cache.invalidateAll();
    cache.cleanUp();
    scheduler.shutdownNow();
    if (awsChain instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // only stops a background refresh
      }
    }
  }
}
