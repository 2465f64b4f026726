package dev.aigateway.controlplane.xds;

/** Resource names shared with the ext_proc and the embedded proxy (docs/contracts.md). */
public final class XdsNames {
  /** The ext_proc gRPC cluster. */
  public static final String EXT_PROC_CLUSTER = "ai_gateway_ext_proc";

  /** The request header the ext_proc sets to the chosen provider's name. */
  public static final String PROVIDER_HEADER = "x-gateway-provider";

  /**
   * The request header the router-level ext_proc sets to the client's model name; one route per
   * model matches on it (issue 19 contract item 1).
   */
  public static final String MODEL_HEADER = "x-gateway-model";

  /** gRPC initial metadata that tells the ext_proc a stream is the per-attempt processing point. */
  public static final String PROCESSING_POINT_METADATA = "x-gateway-processing-point";

  public static final String ATTEMPT_PROCESSING_POINT = "attempt";

  /** Endpoint metadata namespace: provider, target id and upstream model of each endpoint. */
  public static final String ENDPOINT_METADATA_NAMESPACE = "dev.aigateway";

  /**
   * The {@code request_attributes} of the per-attempt ext_proc: one CEL expression per endpoint
   * metadata key. Envoy sends each under its expression text in {@code
   * ProcessingRequest.attributes["envoy.filters.http.ext_proc"]}, and sends strings as strings; the
   * whole {@code xds.upstream_host_metadata} would arrive as the message's debug text (ext_proc
   * matching_utils.cc evaluateAttributes: "everything else as string via print").
   */
  public static String endpointAttribute(String key) {
    return "xds.upstream_host_metadata.filter_metadata['"
        + ENDPOINT_METADATA_NAMESPACE
        + "']['"
        + key
        + "']";
  }

  private XdsNames() {}

  public static String modelCluster(String model) {
    return "model_" + model;
  }

  public static String providerCluster(String provider) {
    return "provider_" + provider;
  }

  public static String listener(String fleet) {
    return "listener_" + fleet;
  }

  public static String routeConfig(String fleet) {
    return "routes_" + fleet;
  }
}
