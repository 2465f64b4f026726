package dev.aigateway.dataplane.processor;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Header helpers for the ext_proc protocol: values travel in {@code raw_value}. */
final class Headers {
  private Headers() {}

  /** Lower-case name to value; Envoy sends {@code raw_value}, older Envoys {@code value}. */
  static Map<String, String> toMap(HeaderMap headers) {
    Map<String, String> map = new HashMap<>(headers.getHeadersCount() * 2);
    for (HeaderValue h : headers.getHeadersList()) {
      String value =
          h.getRawValue().isEmpty()
              ? h.getValue()
              : h.getRawValue().toString(StandardCharsets.UTF_8);
      map.put(h.getKey().toLowerCase(java.util.Locale.ROOT), value);
    }
    return map;
  }

  static HeaderValueOption set(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(
            HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8(value)))
        .build();
  }
}
