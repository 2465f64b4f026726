package dev.aigateway.proxy.extproc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.aigateway.proxy.cluster.Endpoint;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code request_attributes} the proxy evaluates: {@code
 * xds.upstream_host_metadata.filter_metadata['NS']['KEY']}, a string of the chosen endpoint's
 * metadata. Envoy sends each attribute under its expression text; a string stays a string (ext_proc
 * matching_utils.cc evaluateAttributes), and a failed lookup is left out.
 */
public final class HostAttributes {
  public static final Pattern PATTERN =
      Pattern.compile(
          "xds\\.upstream_host_metadata\\.filter_metadata\\['([^']+)'\\]\\['([^']+)'\\]");

  private HostAttributes() {}

  public static Struct of(ExtProcSpec spec, Endpoint endpoint) {
    Struct.Builder out = Struct.newBuilder();
    for (String attribute : spec.proto().getRequestAttributesList()) {
      var m = PATTERN.matcher(attribute);
      if (!m.matches()) {
        continue;
      }
      String v = endpoint.metadata().getOrDefault(m.group(1), Map.of()).get(m.group(2));
      if (v != null) {
        out.putFields(attribute, Value.newBuilder().setStringValue(v).build());
      }
    }
    return out.build();
  }
}
