package dev.aigateway.dataplane.processor;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import org.jspecify.annotations.Nullable;

/**
 * The endpoint Envoy chose for this attempt, from its metadata (failover contract item 3). The
 * per-attempt filter lists one {@code request_attributes} CEL expression per key, {@code
 * xds.upstream_host_metadata.filter_metadata['dev.aigateway']['provider']} (and {@code target},
 * {@code upstream_model}); Envoy sends them once, in {@code
 * attributes["envoy.filters.http.ext_proc"]}, each as a string under its expression text. (The
 * contract's whole {@code xds.upstream_host_metadata} would not do: ext_proc's evaluateAttributes
 * keeps bools and numbers and prints everything else, so a Metadata message would arrive as its
 * debug text.)
 *
 * @param target the stable id of the model target (what cooldowns and the ledger key on)
 */
record AttemptTarget(String provider, String target, String upstreamModel) {
  static final String ATTRIBUTES = "envoy.filters.http.ext_proc";
  static final String NAMESPACE = "dev.aigateway";

  /** The attribute expression for one key of the endpoint metadata. */
  static String attribute(String key) {
    return "xds.upstream_host_metadata.filter_metadata['" + NAMESPACE + "']['" + key + "']";
  }

  private static final String PROVIDER = attribute("provider");
  private static final String TARGET = attribute("target");
  private static final String UPSTREAM_MODEL = attribute("upstream_model");

  /** Null when the message carries no (or incomplete) endpoint metadata. */
  static @Nullable AttemptTarget of(ProcessingRequest request) {
    Struct attributes = request.getAttributesMap().get(ATTRIBUTES);
    if (attributes == null) {
      return null;
    }
    String provider = string(attributes, PROVIDER);
    String target = string(attributes, TARGET);
    String upstreamModel = string(attributes, UPSTREAM_MODEL);
    if (provider == null || target == null || upstreamModel == null) {
      return null;
    }
    return new AttemptTarget(provider, target, upstreamModel);
  }

  private static @Nullable String string(Struct parent, String field) {
    Value v = parent.getFieldsMap().get(field);
    return v != null && v.hasStringValue() && !v.getStringValue().isEmpty()
        ? v.getStringValue()
        : null;
  }
}
