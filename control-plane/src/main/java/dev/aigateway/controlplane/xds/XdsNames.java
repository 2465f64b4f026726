package dev.aigateway.controlplane.xds;

/** Resource names shared with the ext_proc and the embedded proxy (docs/contracts.md). */
public final class XdsNames {
  /** The ext_proc gRPC cluster. */
  public static final String EXT_PROC_CLUSTER = "ai_gateway_ext_proc";

  /** The request header the ext_proc sets to the chosen provider's name. */
  public static final String PROVIDER_HEADER = "x-gateway-provider";

  private XdsNames() {}

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
