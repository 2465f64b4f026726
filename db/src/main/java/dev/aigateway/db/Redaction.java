package dev.aigateway.db;

import java.util.regex.Pattern;

/** Removes secrets from strings that may be logged or shown, such as JDBC URLs. */
public final class Redaction {
  private static final Pattern URL_PASSWORD =
      Pattern.compile("(?i)(password=)[^&;]*|(//[^/:@]+:)[^@/]*(@)");

  private Redaction() {}

  /** The URL with any password in its query or user-info replaced by {@code ***}. */
  public static String jdbcUrl(String url) {
    return URL_PASSWORD
        .matcher(url)
        .replaceAll(m -> m.group(1) != null ? m.group(1) + "***" : m.group(2) + "***" + m.group(3));
  }
}
