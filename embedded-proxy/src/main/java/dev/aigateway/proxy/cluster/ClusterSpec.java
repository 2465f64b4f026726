package dev.aigateway.proxy.cluster;

import dev.aigateway.tls.TlsFiles;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An upstream cluster as the proxy applies it.
 *
 * @param edsServiceName set for EDS clusters, whose endpoints come from a ClusterLoadAssignment
 * @param sni set when the cluster uses TLS (empty string: TLS without SNI)
 * @param http2 the cluster asks for HTTP/2 (used for the ext_proc gRPC cluster)
 * @param clientTls the client certificate and trusted CA files of the cluster's UpstreamTlsContext,
 *     for mutual TLS (used for the ext_proc gRPC cluster); null: none
 */
public record ClusterSpec(
    String name,
    List<Endpoint> endpoints,
    @Nullable String edsServiceName,
    @Nullable String sni,
    boolean http2,
    Duration connectTimeout,
    long bufferLimitBytes,
    @Nullable TlsFiles clientTls) {

  public ClusterSpec(
      String name,
      List<Endpoint> endpoints,
      @Nullable String edsServiceName,
      @Nullable String sni,
      boolean http2,
      Duration connectTimeout,
      long bufferLimitBytes) {
    this(name, endpoints, edsServiceName, sni, http2, connectTimeout, bufferLimitBytes, null);
  }

  public boolean tls() {
    return sni != null;
  }

  public ClusterSpec withEndpoints(List<Endpoint> resolved) {
    return new ClusterSpec(
        name,
        List.copyOf(resolved),
        edsServiceName,
        sni,
        http2,
        connectTimeout,
        bufferLimitBytes,
        clientTls);
  }
}
