package dev.aigateway.proxy.router;

import dev.aigateway.proxy.http.HeaderList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One route of a virtual host: a path match (prefix, exact path or regex, on the path without the
 * query), header conditions and an action.
 */
public record Route(
    String name,
    @Nullable String prefix,
    @Nullable String path,
    @Nullable Pattern pathRegex,
    boolean caseSensitive,
    List<HeaderCondition> headers,
    RouteAction action,
    List<RouteAction.HeaderToAdd> requestHeadersToAdd,
    List<RouteAction.HeaderToAdd> responseHeadersToAdd,
    List<String> requestHeadersToRemove,
    List<String> responseHeadersToRemove) {

  /** A route that removes no headers. */
  public Route(
      String name,
      @Nullable String prefix,
      @Nullable String path,
      @Nullable Pattern pathRegex,
      boolean caseSensitive,
      List<HeaderCondition> headers,
      RouteAction action,
      List<RouteAction.HeaderToAdd> requestHeadersToAdd,
      List<RouteAction.HeaderToAdd> responseHeadersToAdd) {
    this(
        name,
        prefix,
        path,
        pathRegex,
        caseSensitive,
        headers,
        action,
        requestHeadersToAdd,
        responseHeadersToAdd,
        List.of(),
        List.of());
  }

  boolean matches(String pathOnly, HeaderList requestHeaders) {
    if (!pathMatches(pathOnly)) {
      return false;
    }
    for (HeaderCondition c : headers) {
      if (!c.matches(requestHeaders)) {
        return false;
      }
    }
    return true;
  }

  private boolean pathMatches(String p) {
    if (prefix != null) {
      return caseSensitive
          ? p.startsWith(prefix)
          : p.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
    }
    if (path != null) {
      return caseSensitive ? p.equals(path) : p.equalsIgnoreCase(path);
    }
    return pathRegex != null && pathRegex.matcher(p).matches();
  }
}
