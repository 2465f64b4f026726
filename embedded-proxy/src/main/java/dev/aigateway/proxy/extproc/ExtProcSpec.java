package dev.aigateway.proxy.extproc;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import java.time.Duration;

/**
 * An ext_proc filter's settings as the proxy applies them.
 *
 * @param cluster the cluster holding the gRPC processor (envoy_grpc cluster_name)
 * @param mode the filter-level processing mode with DEFAULT resolved
 * @param messageTimeout Envoy's message_timeout (default 200 ms)
 * @param statusOnError status of the local reply on processor errors (default 500)
 */
public record ExtProcSpec(
    String filterName,
    String cluster,
    ExternalProcessor proto,
    ProcessingMode mode,
    Duration messageTimeout,
    Duration maxMessageTimeout,
    int statusOnError,
    MutationRules mutationRules) {

  public boolean failureModeAllow() {
    return proto.getFailureModeAllow();
  }
}
