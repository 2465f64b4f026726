package dev.aigateway.dataplane.processor;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import org.jspecify.annotations.Nullable;

/**
 * The endpoint Envoy chose for this attempt, from its metadata (failover contract item 3): Envoy
 * sends {@code request_attributes: ["xds.upstream_host_metadata"]} as {@code
 * attributes["envoy.filters.http.ext_proc"]}, a Struct whose {@code xds.upstream_host_metadata}
 * field holds the host's {@code Metadata} as a Struct: {@code filter_metadata["dev.aigateway"] =
 * {provider, target, upstream_model}}.
 *
 * @param target the stable id of the model target (what cooldowns and the ledger key on)
 */
record AttemptTarget(String provider, String target, String upstreamModel) {
  static final String ATTRIBUTES = "envoy.filters.http.ext_proc";
  static final String HOST_METADATA = "xds.upstream_host_metadata";
  static final String NAMESPACE = "dev.aigateway";

  /** Null when the message carries no (or incomplete) endpoint metadata. */
  static @Nullable AttemptTarget of(ProcessingRequest request) {
    Struct attributes = request.getAttributesMap().get(ATTRIBUTES);
    if (attributes == null) {
      return null;
    }
    Struct metadata = struct(attributes, HOST_METADATA);
    Struct filterMetadata = struct(metadata, "filter_metadata");
    if (filterMetadata == null) {
      // The proto3 JSON name, should a Metadata ever arrive converted that way.
      filterMetadata = struct(metadata, "filterMetadata");
    }
    Struct ours = struct(filterMetadata, NAMESPACE);
    String provider = string(ours, "provider");
    String target = string(ours, "target");
    String upstreamModel = string(ours, "upstream_model");
    if (provider == null || target == null || upstreamModel == null) {
      return null;
    }
    return new AttemptTarget(provider, target, upstreamModel);
  }

  private static @Nullable Struct struct(@Nullable Struct parent, String field) {
    if (parent == null) {
      return null;
    }
    Value v = parent.getFieldsMap().get(field);
    return v != null && v.hasStructValue() ? v.getStructValue() : null;
  }

  private static @Nullable String string(@Nullable Struct parent, String field) {
    if (parent == null) {
      return null;
    }
    Value v = parent.getFieldsMap().get(field);
    return v != null && v.hasStringValue() && !v.getStringValue().isEmpty()
        ? v.getStringValue()
        : null;
  }
}
