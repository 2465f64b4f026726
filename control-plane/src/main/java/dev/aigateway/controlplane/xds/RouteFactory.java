package dev.aigateway.controlplane.xds;

import static dev.aigateway.controlplane.xds.ClusterFactory.seconds;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * Builds a fleet's RDS route configuration: one route per model (on {@code x-gateway-model}, issue
 * 19), then one per provider (on {@code x-gateway-provider}, the single-processing-point request
 * path, kept until the data plane sets the model header), then an OpenAI-style 404.
 */
final class RouteFactory {

  /** Body of the catch-all: what clients see when no provider was chosen for their request. */
  static final String NOT_FOUND_BODY =
      "{\"error\":{\"message\":\"No model or route matches this request.\","
          + "\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"model_not_found\"}}";

  private RouteFactory() {}

  /**
   * The route configuration.
   *
   * @param providers the providers that have a cluster, with their parsed endpoints, in name order
   */
  static RouteConfiguration routes(
      XdsState.Fleet fleet,
      List<XdsState.Provider> providers,
      List<UpstreamEndpoint> endpoints,
      EnvoyOptions options) {
    return routes(fleet, providers, endpoints, List.of(), options);
  }

  /**
   * The route configuration.
   *
   * @param models the models that have a cluster, in name order
   */
  static RouteConfiguration routes(
      XdsState.Fleet fleet,
      List<XdsState.Provider> providers,
      List<UpstreamEndpoint> endpoints,
      List<XdsState.Model> models,
      EnvoyOptions options) {
    VirtualHost.Builder host =
        VirtualHost.newBuilder()
            .setName("gateway")
            .addDomains("*")
            // Internal routing header: used to match, never forwarded to a provider.
            .addRequestHeadersToRemove(XdsNames.PROVIDER_HEADER)
            .addAllResponseHeadersToRemove(ResponseHygiene.REMOVED)
            // x-envoy-attempt-count on each attempt's request (router.cc sets it whatever
            // suppress_envoy_headers says): the per-attempt ext_proc reads and removes it.
            .setIncludeRequestAttemptCount(true);
    for (XdsState.Model model : models) {
      host.addRoutes(ModelRouteFactory.route(model, options));
    }
    for (int i = 0; i < providers.size(); i++) {
      host.addRoutes(providerRoute(providers.get(i), endpoints.get(i), options));
    }
    host.addRoutes(notFound());
    return RouteConfiguration.newBuilder()
        .setName(XdsNames.routeConfig(fleet.name()))
        .addVirtualHosts(host)
        .build();
  }

  private static Route providerRoute(
      XdsState.Provider provider, UpstreamEndpoint endpoint, EnvoyOptions options) {
    return Route.newBuilder()
        .setName(XdsNames.providerCluster(provider.name()))
        .setMatch(
            RouteMatch.newBuilder()
                .setPrefix("/")
                .addHeaders(
                    HeaderMatcher.newBuilder()
                        .setName(XdsNames.PROVIDER_HEADER)
                        .setStringMatch(StringMatcher.newBuilder().setExact(provider.name()))))
        .setRoute(
            RouteAction.newBuilder()
                .setCluster(XdsNames.providerCluster(provider.name()))
                .setHostRewriteLiteral(endpoint.hostHeader())
                // No route timeout (the 15 s default would cut long completions) and no idle
                // timeout: a non-streaming reasoning completion is silent until it is done, and
                // 0 turns off the HCM's stream_idle_timeout for this route
                // (route_components.proto: idle_timeout). The hard cap is max_stream_duration.
                .setTimeout(seconds(0))
                .setIdleTimeout(seconds(0))
                .setMaxStreamDuration(
                    RouteAction.MaxStreamDuration.newBuilder()
                        .setMaxStreamDuration(seconds(options.maxStreamDuration().toSeconds()))))
        .build();
  }

  private static Route notFound() {
    return Route.newBuilder()
        .setName("not_found")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setDirectResponse(
            DirectResponseAction.newBuilder()
                .setStatus(404)
                .setBody(DataSource.newBuilder().setInlineString(NOT_FOUND_BODY)))
        .addResponseHeadersToAdd(
            HeaderValueOption.newBuilder()
                .setHeader(
                    HeaderValue.newBuilder().setKey("content-type").setValue("application/json"))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
        .build();
  }
}
