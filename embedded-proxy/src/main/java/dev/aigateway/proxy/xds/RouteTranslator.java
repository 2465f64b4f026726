package dev.aigateway.proxy.xds;

import dev.aigateway.proxy.router.HeaderCondition;
import dev.aigateway.proxy.router.Route;
import dev.aigateway.proxy.router.RouteAction;
import dev.aigateway.proxy.router.RouteTable;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns a RouteConfiguration into a {@link RouteTable}, rejecting unsupported features. */
final class RouteTranslator {

  private static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(15);

  private RouteTranslator() {}

  static RouteTable routes(RouteConfiguration rc) throws InvalidResourceException {
    List<RouteTable.VirtualHost> hosts = new ArrayList<>();
    for (VirtualHost vh : rc.getVirtualHostsList()) {
      List<Route> routes = new ArrayList<>();
      for (var r : vh.getRoutesList()) {
        routes.add(route(r, vh, rc));
      }
      hosts.add(new RouteTable.VirtualHost(vh.getName(), vh.getDomainsList(), routes));
    }
    return new RouteTable(rc.getName(), hosts);
  }

  private static Route route(
      io.envoyproxy.envoy.config.route.v3.Route r, VirtualHost vh, RouteConfiguration rc)
      throws InvalidResourceException {
    String where = "route " + rc.getName() + "/" + vh.getName() + "/" + r.getName();
    var m = r.getMatch();
    String prefix = null;
    String path = null;
    Pattern regex = null;
    switch (m.getPathSpecifierCase()) {
      case PREFIX -> prefix = m.getPrefix();
      case PATH -> path = m.getPath();
      case SAFE_REGEX -> regex = compile(m.getSafeRegex().getRegex(), where);
      default ->
          throw new InvalidResourceException(
              where + ": path match " + m.getPathSpecifierCase() + " unsupported");
    }
    if (m.getQueryParametersCount() > 0 || m.getDynamicMetadataCount() > 0 || m.hasGrpc()) {
      throw new InvalidResourceException(where + ": query/metadata/grpc matchers unsupported");
    }
    List<HeaderCondition> conditions = new ArrayList<>();
    for (HeaderMatcher h : m.getHeadersList()) {
      conditions.add(header(h, where));
    }
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    RouteAction action =
        switch (r.getActionCase()) {
          case ROUTE -> forward(r.getRoute(), vh, where);
          case DIRECT_RESPONSE -> {
            var d = r.getDirectResponse();
            if (d.hasBody() && d.getBody().hasFilename()) {
              throw new InvalidResourceException(where + ": direct_response filename unsupported");
            }
            byte[] body =
                d.getBody().hasInlineBytes()
                    ? d.getBody().getInlineBytes().toByteArray()
                    : d.getBody().getInlineString().getBytes(StandardCharsets.UTF_8);
            yield new RouteAction.Direct(d.getStatus(), body);
          }
          default ->
              throw new InvalidResourceException(
                  where + ": action " + r.getActionCase() + " unsupported");
        };
    // Most specific first, as Envoy applies them by default.
    List<RouteAction.HeaderToAdd> req = new ArrayList<>();
    adds(r.getRequestHeadersToAddList(), req);
    adds(vh.getRequestHeadersToAddList(), req);
    adds(rc.getRequestHeadersToAddList(), req);
    List<RouteAction.HeaderToAdd> resp = new ArrayList<>();
    adds(r.getResponseHeadersToAddList(), resp);
    adds(vh.getResponseHeadersToAddList(), resp);
    adds(rc.getResponseHeadersToAddList(), resp);
    // Envoy removes at every level (route_components.proto: *_headers_to_remove).
    List<String> reqRemove = new ArrayList<>();
    reqRemove.addAll(lower(r.getRequestHeadersToRemoveList()));
    reqRemove.addAll(lower(vh.getRequestHeadersToRemoveList()));
    reqRemove.addAll(lower(rc.getRequestHeadersToRemoveList()));
    List<String> respRemove = new ArrayList<>();
    respRemove.addAll(lower(r.getResponseHeadersToRemoveList()));
    respRemove.addAll(lower(vh.getResponseHeadersToRemoveList()));
    respRemove.addAll(lower(rc.getResponseHeadersToRemoveList()));
    return new Route(
        r.getName(),
        prefix,
        path,
        regex,
        caseSensitive,
        conditions,
        action,
        req,
        resp,
        List.copyOf(reqRemove),
        List.copyOf(respRemove));
  }

  private static RouteAction.Forward forward(
      io.envoyproxy.envoy.config.route.v3.RouteAction a, VirtualHost vh, String where)
      throws InvalidResourceException {
    if (!a.hasCluster()) {
      throw new InvalidResourceException(
          where + ": cluster specifier " + a.getClusterSpecifierCase() + " unsupported");
    }
    if (a.hasRegexRewrite() || a.hasHostRewriteHeader() || a.hasHostRewritePathRegex()) {
      throw new InvalidResourceException(where + ": rewrite kind unsupported");
    }
    Duration timeout = a.hasTimeout() ? XdsDurations.of(a.getTimeout()) : DEFAULT_ROUTE_TIMEOUT;
    if (a.getMaxStreamDuration().hasGrpcTimeoutHeaderMax()
        || a.getMaxStreamDuration().hasGrpcTimeoutHeaderOffset()) {
      throw new InvalidResourceException(where + ": grpc_timeout_header_* unsupported");
    }
    return new RouteAction.Forward(
        a.getCluster(),
        a.hasHostRewriteLiteral() ? a.getHostRewriteLiteral() : null,
        a.getPrefixRewrite().isEmpty() ? null : a.getPrefixRewrite(),
        timeout,
        a.hasIdleTimeout() ? XdsDurations.of(a.getIdleTimeout()) : null,
        a.getMaxStreamDuration().hasMaxStreamDuration()
            ? XdsDurations.of(a.getMaxStreamDuration().getMaxStreamDuration())
            : Duration.ZERO,
        // The route's policy replaces the virtual host's (route_components.proto retry_policy).
        a.hasRetryPolicy()
            ? RetryPolicies.of(a.getRetryPolicy(), where)
            : vh.hasRetryPolicy() ? RetryPolicies.of(vh.getRetryPolicy(), where) : null,
        a.hasAutoHostRewrite() && a.getAutoHostRewrite().getValue(),
        vh.getIncludeRequestAttemptCount());
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  @SuppressWarnings("deprecation") // `append` still overrides append_action in Envoy.
  private static void adds(List<HeaderValueOption> in, List<RouteAction.HeaderToAdd> out) {
    for (HeaderValueOption o : in) {
      RouteAction.AppendAction action =
          switch (o.getAppendAction()) {
            case ADD_IF_ABSENT -> RouteAction.AppendAction.ADD_IF_ABSENT;
            case OVERWRITE_IF_EXISTS_OR_ADD -> RouteAction.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
            case OVERWRITE_IF_EXISTS -> RouteAction.AppendAction.OVERWRITE_IF_EXISTS;
            case APPEND_IF_EXISTS_OR_ADD, UNRECOGNIZED ->
                RouteAction.AppendAction.APPEND_IF_EXISTS_OR_ADD;
          };
      if (o.hasAppend()) {
        action =
            o.getAppend().getValue()
                ? RouteAction.AppendAction.APPEND_IF_EXISTS_OR_ADD
                : RouteAction.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
      }
      String value =
          o.getHeader().getRawValue().isEmpty()
              ? o.getHeader().getValue()
              : o.getHeader().getRawValue().toStringUtf8();
      out.add(new RouteAction.HeaderToAdd(o.getHeader().getKey(), value, action));
    }
  }

  @SuppressWarnings("deprecation") // The deprecated matcher forms are still valid config.
  private static HeaderCondition header(HeaderMatcher h, String where)
      throws InvalidResourceException {
    String name = h.getName().toLowerCase(java.util.Locale.ROOT);
    boolean inv = h.getInvertMatch();
    return switch (h.getHeaderMatchSpecifierCase()) {
      case EXACT_MATCH ->
          new HeaderCondition(
              name, HeaderCondition.Kind.EXACT, h.getExactMatch(), null, false, inv, true);
      case PREFIX_MATCH ->
          new HeaderCondition(
              name, HeaderCondition.Kind.PREFIX, h.getPrefixMatch(), null, false, inv, true);
      case SUFFIX_MATCH ->
          new HeaderCondition(
              name, HeaderCondition.Kind.SUFFIX, h.getSuffixMatch(), null, false, inv, true);
      case CONTAINS_MATCH ->
          new HeaderCondition(
              name, HeaderCondition.Kind.CONTAINS, h.getContainsMatch(), null, false, inv, true);
      case SAFE_REGEX_MATCH ->
          new HeaderCondition(
              name,
              HeaderCondition.Kind.REGEX,
              null,
              compile(h.getSafeRegexMatch().getRegex(), where),
              false,
              inv,
              true);
      case PRESENT_MATCH ->
          new HeaderCondition(
              name, HeaderCondition.Kind.PRESENT, null, null, false, inv, h.getPresentMatch());
      case STRING_MATCH -> stringMatch(name, h.getStringMatch(), inv, where);
      case HEADERMATCHSPECIFIER_NOT_SET ->
          new HeaderCondition(name, HeaderCondition.Kind.PRESENT, null, null, false, inv, true);
      default ->
          throw new InvalidResourceException(
              where + ": header matcher " + h.getHeaderMatchSpecifierCase() + " unsupported");
    };
  }

  private static HeaderCondition stringMatch(
      String name, StringMatcher s, boolean inv, String where) throws InvalidResourceException {
    boolean ic = s.getIgnoreCase();
    return switch (s.getMatchPatternCase()) {
      case EXACT ->
          new HeaderCondition(name, HeaderCondition.Kind.EXACT, s.getExact(), null, ic, inv, true);
      case PREFIX ->
          new HeaderCondition(
              name, HeaderCondition.Kind.PREFIX, s.getPrefix(), null, ic, inv, true);
      case SUFFIX ->
          new HeaderCondition(
              name, HeaderCondition.Kind.SUFFIX, s.getSuffix(), null, ic, inv, true);
      case CONTAINS ->
          new HeaderCondition(
              name, HeaderCondition.Kind.CONTAINS, s.getContains(), null, ic, inv, true);
      case SAFE_REGEX ->
          new HeaderCondition(
              name,
              HeaderCondition.Kind.REGEX,
              null,
              compile(s.getSafeRegex().getRegex(), where),
              false,
              inv,
              true);
      default ->
          throw new InvalidResourceException(
              where + ": string matcher " + s.getMatchPatternCase() + " unsupported");
    };
  }

  private static Pattern compile(String regex, String where) throws InvalidResourceException {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidResourceException(where + ": invalid regex");
    }
  }
}
