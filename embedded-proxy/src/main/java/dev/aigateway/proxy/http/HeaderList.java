package dev.aigateway.proxy.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An ordered, mutable list of lower-case header names and values, pseudo-headers (":path",
 * ":status") included, the way Envoy holds a header map.
 */
public final class HeaderList {

  /** One header. */
  public record Header(String name, String value) {}

  private final List<Header> headers = new ArrayList<>();

  public List<Header> all() {
    return headers;
  }

  public @Nullable String get(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    for (Header h : headers) {
      if (h.name.equals(key)) {
        return h.value;
      }
    }
    return null;
  }

  public boolean contains(String name) {
    return get(name) != null;
  }

  public void add(String name, String value) {
    headers.add(new Header(name.toLowerCase(Locale.ROOT), value));
  }

  /** Replaces every value of the header with one value, keeping the first position. */
  public void set(String name, String value) {
    String key = name.toLowerCase(Locale.ROOT);
    int first = -1;
    for (int i = headers.size() - 1; i >= 0; i--) {
      if (headers.get(i).name.equals(key)) {
        first = i;
        headers.remove(i);
      }
    }
    Header h = new Header(key, value);
    if (first >= 0) {
      headers.add(first, h);
    } else if (key.startsWith(":")) {
      headers.add(countPseudo(), h);
    } else {
      headers.add(h);
    }
  }

  public boolean remove(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return headers.removeIf(h -> h.name.equals(key));
  }

  public HeaderList copy() {
    HeaderList c = new HeaderList();
    c.headers.addAll(headers);
    return c;
  }

  private int countPseudo() {
    int n = 0;
    while (n < headers.size() && headers.get(n).name.startsWith(":")) {
      n++;
    }
    return n;
  }

  @Override
  public String toString() {
    // Only names: values may hold credentials.
    return headers.stream().map(Header::name).toList().toString();
  }
}
