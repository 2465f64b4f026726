package dev.aigateway.controlplane.admin.problem;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Collects field errors of one request; {@link #throwIfInvalid} turns them into a 422. */
public final class Validation {
  /** Names used in Envoy resource names (providers, fleets); see docs/contracts.md. */
  public static final Pattern RESOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  public static final int MAX_NAME = 128;

  private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  /**
   * A field name from the request as it may be echoed in an error: names that do not look like a
   * field of this API (a pasted secret, say) are replaced by {@code *}.
   */
  public static String echoableName(String name) {
    return FIELD_NAME.matcher(name).matches() ? name : "*";
  }

  private final List<FieldError> errors = new ArrayList<>();

  public Validation add(String field, String message) {
    errors.add(new FieldError(field, message));
    return this;
  }

  public boolean required(String field, @Nullable Object value) {
    if (value == null) {
      add(field, "is required");
      return false;
    }
    return true;
  }

  /** A required, non-blank string of at most {@code max} characters. */
  public boolean text(String field, @Nullable String value, int max) {
    if (!required(field, value)) {
      return false;
    }
    if (value.isBlank()) {
      add(field, "must not be blank");
      return false;
    }
    if (value.length() > max) {
      add(field, "must be at most " + max + " characters");
      return false;
    }
    if (value.indexOf('\u0000') >= 0) {
      add(field, "must not contain NUL characters");
      return false;
    }
    return true;
  }

  /** An optional timestamp PostgreSQL can store and people mean: before the year 10000. */
  public boolean timestamp(String field, java.time.@Nullable Instant value) {
    if (value != null && value.isAfter(LATEST)) {
      add(field, "must be before the year 10000");
      return false;
    }
    return true;
  }

  private static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

  /** A required name matching {@link #RESOURCE_NAME}. */
  public boolean resourceName(String field, @Nullable String value) {
    if (!required(field, value)) {
      return false;
    }
    if (!RESOURCE_NAME.matcher(value).matches()) {
      add(field, "must match [a-z0-9][a-z0-9._-]{0,62}");
      return false;
    }
    return true;
  }

  /** A required base URL: http(s)://host[:port][/path], no query, fragment or trailing slash. */
  public boolean baseUrl(String field, @Nullable String value) {
    if (!text(field, value, 2048)) {
      return false;
    }
    String problem = baseUrlProblem(value);
    if (problem != null) {
      add(field, problem);
      return false;
    }
    return true;
  }

  private static @Nullable String baseUrlProblem(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return "must be a valid URL";
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      return "must start with http:// or https://";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must have a host";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not contain user information";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must not have a query or fragment";
    }
    if (value.endsWith("/")) {
      return "must not end with /";
    }
    return null;
  }

  /** A number in {@code [min, max]}; null passes unless required was checked separately. */
  public boolean range(String field, @Nullable BigDecimal value, BigDecimal min, BigDecimal max) {
    if (value == null) {
      return true;
    }
    if (value.compareTo(min) < 0) {
      add(field, "must be >= " + min.toPlainString());
      return false;
    }
    if (value.compareTo(max) > 0) {
      add(field, "must be <= " + max.toPlainString());
      return false;
    }
    return true;
  }

  public boolean range(String field, @Nullable Integer value, int min, int max) {
    if (value == null) {
      return true;
    }
    if (value < min || value > max) {
      add(field, value < min ? "must be >= " + min : "must be <= " + max);
      return false;
    }
    return true;
  }

  public boolean oneOf(String field, @Nullable String value, List<String> allowed) {
    if (!required(field, value)) {
      return false;
    }
    if (!allowed.contains(value)) {
      add(field, "must be one of " + String.join(", ", allowed));
      return false;
    }
    return true;
  }

  public int errorCount() {
    return errors.size();
  }

  public boolean isValid() {
    return errors.isEmpty();
  }

  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }
}
