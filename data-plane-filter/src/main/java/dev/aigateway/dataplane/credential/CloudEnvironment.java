package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Where the cloud-identity kinds look for the process's identity: its environment variables (the
 * ones AWS, Google and Azure document: {@code AWS_*}, {@code GOOGLE_APPLICATION_CREDENTIALS},
 * {@code AZURE_*}), and endpoints that only tests change.
 *
 * @param env the process environment ({@code System::getenv} in production)
 * @param entraTls trust for the Entra ID token endpoint; null: the JVM's default trust store
 * @param iamCredentialsEndpoint Google's IAM Credentials API for impersonation; null: Google's
 */
public record CloudEnvironment(
    Function<String, @Nullable String> env,
    @Nullable SSLSocketFactory entraTls,
    @Nullable String iamCredentialsEndpoint) {

  public CloudEnvironment {
    requireNonNull(env, "env");
  }

  /** The real process environment and the clouds' real endpoints. */
  public static CloudEnvironment system() {
    return new CloudEnvironment(System::getenv, null, null);
  }

  @Nullable String get(String name) {
    String value = env.apply(name);
    return value == null || value.isBlank() ? null : value;
  }
}
