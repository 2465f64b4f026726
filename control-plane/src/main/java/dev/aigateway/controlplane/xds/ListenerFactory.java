package dev.aigateway.controlplane.xds;

import static dev.aigateway.controlplane.xds.ClusterFactory.seconds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutationRules;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/** Builds a fleet's LDS listener: HttpConnectionManager with ext_proc, then the router. */
final class ListenerFactory {
  static final String EXT_PROC_FILTER = "envoy.filters.http.ext_proc";
  static final String HCM_FILTER = "envoy.http_connection_manager";

  private ListenerFactory() {}

  static Listener listener(XdsState.Fleet fleet, EnvoyOptions options) {
    HttpConnectionManager.Builder hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("gateway_" + fleet.name())
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(
                Rds.newBuilder()
                    .setRouteConfigName(XdsNames.routeConfig(fleet.name()))
                    .setConfigSource(
                        ConfigSource.newBuilder()
                            .setResourceApiVersion(ApiVersion.V3)
                            .setAds(AggregatedConfigSource.getDefaultInstance())))
            .addAccessLog(
                AccessLog.newBuilder()
                    .setName("envoy.access_loggers.stdout")
                    // The default format has method, path, status, sizes and timings: no headers,
                    // so neither client keys nor provider credentials.
                    .setTypedConfig(Any.pack(StdoutAccessLog.getDefaultInstance())))
            // Completions stream for minutes. The 5-minute idle timeout covers the stream until it
            // is routed; provider routes turn it off and cap the whole exchange with
            // max_stream_duration instead (RouteFactory). request_timeout only covers receiving
            // the request, so it does not cut streams (DownstreamLimits).
            .setRequestTimeout(DownstreamLimits.REQUEST_TIMEOUT)
            .setStreamIdleTimeout(seconds(300))
            .setRequestHeadersTimeout(seconds(10))
            .setCommonHttpProtocolOptions(
                HttpProtocolOptions.newBuilder().setIdleTimeout(seconds(3600)))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(EXT_PROC_FILTER)
                    .setTypedConfig(Any.pack(extProc())))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.router")
                    .setTypedConfig(Any.pack(router())));
    ClientTrust.apply(hcm, options);
    return Listener.newBuilder()
        .setName(XdsNames.listener(fleet.name()))
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(
                    SocketAddress.newBuilder()
                        .setAddress("0.0.0.0")
                        .setPortValue(fleet.listenerPort())))
        // The ext_proc needs whole request bodies (BUFFERED): the one body limit, so that the
        // ext_proc (which sees the headers first) answers 413 in the client API's shape.
        .setPerConnectionBufferLimitBytes(ClusterFactory.bufferLimit(options))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(DownstreamLimits.connectionLimit(fleet.name()))
                .addFilters(
                    Filter.newBuilder()
                        // Envoy finds the extension by the typed_config type; this legacy name
                        // is the only one java-control-plane's ensureConsistent() follows to the
                        // route config, so it keeps that check meaningful.
                        .setName(HCM_FILTER)
                        .setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }

  /** The ext_proc filter exactly as docs/contracts.md describes it. */
  static ExternalProcessor extProc() {
    return ExternalProcessor.newBuilder()
        .setGrpcService(
            GrpcService.newBuilder()
                .setEnvoyGrpc(
                    GrpcService.EnvoyGrpc.newBuilder().setClusterName(XdsNames.EXT_PROC_CLUSTER)))
        .setFailureModeAllow(false)
        .setProcessingMode(
            ProcessingMode.newBuilder()
                .setRequestHeaderMode(ProcessingMode.HeaderSendMode.SEND)
                .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
                .setRequestTrailerMode(ProcessingMode.HeaderSendMode.SKIP)
                .setResponseHeaderMode(ProcessingMode.HeaderSendMode.SEND)
                .setResponseBodyMode(ProcessingMode.BodySendMode.BUFFERED)
                .setResponseTrailerMode(ProcessingMode.HeaderSendMode.SKIP))
        // Streaming responses switch to STREAMED in the response-headers answer.
        .setAllowModeOverride(true)
        // The 200 ms default is far too short when the ext_proc waits on quota checks or
        // translates a large buffered completion.
        .setMessageTimeout(seconds(30))
        // Default rules silently ignore removing x-envoy-* headers; the request allow-list needs
        // to remove them (mutation_rules.proto: allow_envoy).
        .setMutationRules(HeaderMutationRules.newBuilder().setAllowEnvoy(BoolValue.of(true)))
        .build();
  }

  /**
   * The router never adds {@code x-envoy-*} headers upstream nor {@code
   * x-envoy-upstream-service-time} downstream (router.proto: suppress_envoy_headers).
   */
  static Router router() {
    return Router.newBuilder().setSuppressEnvoyHeaders(true).build();
  }
}
