package dev.aigateway.controlplane.xds;

import static dev.aigateway.controlplane.xds.ClusterFactory.seconds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.aigateway.db.model.Failover;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;

/** The route of one model: matched on {@code x-gateway-model}, with the model's retry policy. */
final class ModelRouteFactory {
  static final String PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";

  /** Failover conditions that Envoy names in retry_on as they are. */
  private static final List<String> ENVOY_CONDITIONS =
      List.of("connect-failure", "reset", "5xx", "gateway-error");

  private ModelRouteFactory() {}

  static Route route(XdsState.Model model, EnvoyOptions options) {
    String cluster = XdsNames.modelCluster(model.name());
    return Route.newBuilder()
        .setName(cluster)
        .setMatch(
            RouteMatch.newBuilder()
                .setPrefix("/")
                .addHeaders(
                    HeaderMatcher.newBuilder()
                        .setName(XdsNames.MODEL_HEADER)
                        .setStringMatch(StringMatcher.newBuilder().setExact(model.name()))))
        .setRoute(
            RouteAction.newBuilder()
                .setCluster(cluster)
                // The chosen endpoint's hostname (its exact host header) becomes the host.
                .setAutoHostRewrite(BoolValue.of(true))
                .setTimeout(seconds(0))
                .setIdleTimeout(seconds(0))
                .setMaxStreamDuration(
                    RouteAction.MaxStreamDuration.newBuilder()
                        .setMaxStreamDuration(seconds(options.maxStreamDuration().toSeconds())))
                .setRetryPolicy(retryPolicy(model.failover())))
        .build();
  }

  /**
   * The failover settings as Envoy's retry policy: after each attempt the priority level just tried
   * is left out (previous_priorities, update_frequency 1) and hosts already tried are not picked
   * again (previous_hosts), so a retry goes to the next target. [route_components.proto
   * RetryPolicy; ai-gateway tests/data-plane/envoy.yaml]
   */
  static RetryPolicy retryPolicy(Failover failover) {
    List<String> retryOn = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    for (String c : failover.retryOn()) {
      if (ENVOY_CONDITIONS.contains(c)) {
        retryOn.add(c);
      } else {
        codes.add(Integer.parseInt(c));
      }
    }
    if (!codes.isEmpty()) {
      retryOn.add("retriable-status-codes");
    }
    RetryPolicy.Builder policy =
        RetryPolicy.newBuilder()
            .setRetryOn(String.join(",", retryOn))
            .addAllRetriableStatusCodes(codes)
            .setNumRetries(UInt32Value.of(failover.attempts() - 1))
            .setRetryBackOff(
                RetryPolicy.RetryBackOff.newBuilder()
                    .setBaseInterval(millis(failover.backoffBaseMs()))
                    .setMaxInterval(millis(failover.backoffMaxMs())))
            .setRetryPriority(
                RetryPolicy.RetryPriority.newBuilder()
                    .setName(PREVIOUS_PRIORITIES)
                    .setTypedConfig(
                        Any.pack(
                            PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(1).build())))
            .addRetryHostPredicate(
                RetryPolicy.RetryHostPredicate.newBuilder()
                    .setName(PREVIOUS_HOSTS)
                    .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
            // Within a level of several targets, pick again (up to 3 times) rather than retry
            // the host just tried.
            .setHostSelectionRetryMaxAttempts(3);
    if (failover.perAttemptTimeoutMs() > 0) {
      policy.setPerTryTimeout(millis(failover.perAttemptTimeoutMs()));
    }
    return policy.build();
  }

  static Duration millis(long ms) {
    return Duration.newBuilder()
        .setSeconds(ms / 1000)
        .setNanos((int) (ms % 1000) * 1_000_000)
        .build();
  }
}
