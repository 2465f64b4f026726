package dev.aigateway.proxy.router;

import dev.aigateway.proxy.http.HeaderList;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A route's header matcher (Envoy HeaderMatcher), reduced to the forms Envoy evaluates. */
public record HeaderCondition(
    String name,
    Kind kind,
    @Nullable String value,
    @Nullable Pattern regex,
    boolean ignoreCase,
    boolean invert,
    boolean presentExpected) {

  /** Comparison kinds of StringMatcher plus presence. */
  public enum Kind {
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    REGEX,
    PRESENT
  }

  boolean matches(HeaderList headers) {
    String actual = headers.get(name);
    boolean result;
    if (kind == Kind.PRESENT) {
      result = (actual != null) == presentExpected;
    } else if (actual == null) {
      // Envoy: a missing header never matches a value matcher, even inverted ones.
      return false;
    } else {
      result = compare(actual);
    }
    return invert != result;
  }

  private boolean compare(String actual) {
    String a = ignoreCase ? actual.toLowerCase(Locale.ROOT) : actual;
    String v = value == null ? "" : (ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
    return switch (kind) {
      case EXACT -> a.equals(v);
      case PREFIX -> a.startsWith(v);
      case SUFFIX -> a.endsWith(v);
      case CONTAINS -> a.contains(v);
      case REGEX -> regex != null && regex.matcher(actual).matches();
      case PRESENT -> true;
    };
  }
}
