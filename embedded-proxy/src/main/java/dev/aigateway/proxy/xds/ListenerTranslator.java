package dev.aigateway.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.aigateway.proxy.extproc.ExtProcSpec;
import dev.aigateway.proxy.extproc.MutationRules;
import dev.aigateway.proxy.listener.DownstreamPolicy;
import dev.aigateway.proxy.listener.ListenerSpec;
import dev.aigateway.proxy.router.RouteTable;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns an LDS Listener with its HttpConnectionManager into a {@link ListenerSpec}. */
final class ListenerTranslator {

  private static final long DEFAULT_BUFFER_LIMIT = 1024 * 1024;

  private ListenerTranslator() {}

  static ListenerSpec listener(Listener l) throws InvalidResourceException {
    String name = l.getName();
    if (!l.getAddress().hasSocketAddress()) {
      throw new InvalidResourceException("listener " + name + ": needs a socket address");
    }
    var sa = l.getAddress().getSocketAddress();
    List<FilterChain> chains =
        l.getFilterChainsCount() > 0 ? l.getFilterChainsList() : List.of(l.getDefaultFilterChain());
    if (chains.size() != 1 || chains.getFirst().hasFilterChainMatch()) {
      throw new InvalidResourceException(
          "listener " + name + ": exactly one filter chain without a match is supported");
    }
    HttpConnectionManager hcm = hcm(chains.getFirst(), name);
    String rds = null;
    RouteTable inline = null;
    if (hcm.hasRds()) {
      rds = hcm.getRds().getRouteConfigName();
      if (rds.isEmpty()) {
        throw new InvalidResourceException("listener " + name + ": empty route_config_name");
      }
    } else if (hcm.hasRouteConfig()) {
      inline = RouteTranslator.routes(hcm.getRouteConfig());
    } else {
      throw new InvalidResourceException("listener " + name + ": needs rds or route_config");
    }
    ExtProcSpec extProc = httpFilters(hcm.getHttpFiltersList(), name);
    long limit =
        l.hasPerConnectionBufferLimitBytes()
            ? l.getPerConnectionBufferLimitBytes().getValue()
            : DEFAULT_BUFFER_LIMIT;
    Duration requestTimeout =
        hcm.hasRequestTimeout() ? XdsDurations.of(hcm.getRequestTimeout()) : Duration.ZERO;
    Duration idle =
        hcm.getCommonHttpProtocolOptions().hasIdleTimeout()
            ? XdsDurations.of(hcm.getCommonHttpProtocolOptions().getIdleTimeout())
            : Duration.ofHours(1);
    boolean requestId = !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue();
    Duration headersTimeout =
        hcm.hasRequestHeadersTimeout()
            ? XdsDurations.of(hcm.getRequestHeadersTimeout())
            : Duration.ZERO;
    DownstreamPolicy downstream = downstream(hcm, name);
    return new ListenerSpec(
        name,
        sa.getAddress(),
        sa.getPortValue(),
        rds,
        inline,
        extProc,
        limit,
        requestTimeout,
        idle,
        requestId,
        downstream,
        headersTimeout,
        ConnectionLimits.maxConnections(chains.getFirst(), name));
  }

  /** The HCM and router settings that change headers and the stream idle timer. */
  private static DownstreamPolicy downstream(HttpConnectionManager hcm, String name)
      throws InvalidResourceException {
    List<String> internal = null;
    if (hcm.hasInternalAddressConfig()) {
      List<String> cidrs = new java.util.ArrayList<>();
      for (var r : hcm.getInternalAddressConfig().getCidrRangesList()) {
        cidrs.add(r.getAddressPrefix() + "/" + r.getPrefixLen().getValue());
      }
      try {
        internal = DownstreamPolicy.cidrs(cidrs);
      } catch (IllegalArgumentException e) {
        throw new InvalidResourceException("listener " + name + ": " + e.getMessage());
      }
    }
    boolean suppress = false;
    for (HttpFilter f : hcm.getHttpFiltersList()) {
      if (f.getTypedConfig().getTypeUrl().endsWith("router.v3.Router")) {
        suppress =
            unpack(
                    f.getTypedConfig(),
                    io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.class,
                    "listener " + name)
                .getSuppressEnvoyHeaders();
      }
    }
    DownstreamPolicy.ServerHeader server =
        switch (hcm.getServerHeaderTransformation()) {
          case OVERWRITE, UNRECOGNIZED -> DownstreamPolicy.ServerHeader.OVERWRITE;
          case APPEND_IF_ABSENT -> DownstreamPolicy.ServerHeader.APPEND_IF_ABSENT;
          case PASS_THROUGH -> DownstreamPolicy.ServerHeader.PASS_THROUGH;
        };
    return new DownstreamPolicy(
        hcm.hasUseRemoteAddress() && hcm.getUseRemoteAddress().getValue(),
        hcm.getXffNumTrustedHops(),
        internal,
        suppress,
        server,
        hcm.getServerName().isEmpty() ? "envoy" : hcm.getServerName(),
        hcm.hasStreamIdleTimeout()
            ? XdsDurations.of(hcm.getStreamIdleTimeout())
            : DownstreamPolicy.ENVOY_DEFAULTS.streamIdleTimeout(),
        hcm.getAlwaysSetRequestIdInResponse());
  }

  private static HttpConnectionManager hcm(FilterChain chain, String name)
      throws InvalidResourceException {
    if (chain.hasTransportSocket()) {
      throw new InvalidResourceException("listener " + name + ": downstream TLS unsupported");
    }
    List<Filter> filters = ConnectionLimits.withoutLimit(chain);
    if (filters.size() != 1) {
      throw new InvalidResourceException(
          "listener "
              + name
              + ": only http_connection_manager, optionally after connection_limit, is supported");
    }
    Filter f = filters.getFirst();
    if (!f.getTypedConfig().getTypeUrl().endsWith("HttpConnectionManager")) {
      throw new InvalidResourceException(
          "listener " + name + ": network filter " + f.getName() + " unsupported");
    }
    return unpack(f.getTypedConfig(), HttpConnectionManager.class, "listener " + name);
  }

  private static @Nullable ExtProcSpec httpFilters(List<HttpFilter> filters, String listener)
      throws InvalidResourceException {
    ExtProcSpec extProc = null;
    boolean router = false;
    for (HttpFilter f : filters) {
      String where = "listener " + listener + " filter " + f.getName();
      if (router) {
        throw new InvalidResourceException(where + ": filters after the router are not allowed");
      }
      String type = f.getTypedConfig().getTypeUrl();
      if (type.endsWith("router.v3.Router")) {
        router = true;
      } else if (type.endsWith("ext_proc.v3.ExternalProcessor")) {
        if (f.getDisabled()) {
          continue; // TODO(per-route): enabling a disabled filter per route is unsupported.
        }
        if (extProc != null) {
          throw new InvalidResourceException(where + ": only one ext_proc filter is supported");
        }
        extProc =
            extProc(f.getName(), unpack(f.getTypedConfig(), ExternalProcessor.class, where), where);
      } else if (!f.getIsOptional()) {
        throw new InvalidResourceException(where + ": http filter " + type + " unsupported");
      }
    }
    if (!router) {
      throw new InvalidResourceException("listener " + listener + ": missing router filter");
    }
    return extProc;
  }

  static ExtProcSpec extProc(String filterName, ExternalProcessor p, String where)
      throws InvalidResourceException {
    if (!p.hasGrpcService() || !p.getGrpcService().hasEnvoyGrpc()) {
      throw new InvalidResourceException(where + ": only grpc_service.envoy_grpc is supported");
    }
    if (p.getObservabilityMode()) {
      throw new InvalidResourceException(where + ": observability_mode unsupported");
    }
    ProcessingMode mode = resolve(p.getProcessingMode());
    if (mode.getRequestBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED
        || mode.getResponseBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED) {
      throw new InvalidResourceException(where + ": FULL_DUPLEX_STREAMED unsupported");
    }
    Duration timeout =
        p.hasMessageTimeout() ? XdsDurations.of(p.getMessageTimeout()) : Duration.ofMillis(200);
    Duration max =
        p.hasMaxMessageTimeout() ? XdsDurations.of(p.getMaxMessageTimeout()) : Duration.ZERO;
    MutationRules rules;
    try {
      rules =
          p.hasMutationRules() ? MutationRules.from(p.getMutationRules()) : MutationRules.DEFAULT;
    } catch (RuntimeException e) {
      throw new InvalidResourceException(where + ": invalid mutation_rules regex");
    }
    return new ExtProcSpec(
        filterName,
        p.getGrpcService().getEnvoyGrpc().getClusterName(),
        p,
        mode,
        timeout,
        max,
        500,
        rules);
  }

  /** DEFAULT counts as SEND for headers and SKIP for trailers. */
  private static ProcessingMode resolve(ProcessingMode m) {
    var b = m.toBuilder();
    if (m.getRequestHeaderMode() == HeaderSendMode.DEFAULT) {
      b.setRequestHeaderMode(HeaderSendMode.SEND);
    }
    if (m.getResponseHeaderMode() == HeaderSendMode.DEFAULT) {
      b.setResponseHeaderMode(HeaderSendMode.SEND);
    }
    if (m.getRequestTrailerMode() == HeaderSendMode.DEFAULT) {
      b.setRequestTrailerMode(HeaderSendMode.SKIP);
    }
    if (m.getResponseTrailerMode() == HeaderSendMode.DEFAULT) {
      b.setResponseTrailerMode(HeaderSendMode.SKIP);
    }
    return b.build();
  }

  private static <T extends com.google.protobuf.Message> T unpack(
      Any any, Class<T> type, String where) throws InvalidResourceException {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidResourceException(where + ": cannot decode " + type.getSimpleName());
    }
  }
}
