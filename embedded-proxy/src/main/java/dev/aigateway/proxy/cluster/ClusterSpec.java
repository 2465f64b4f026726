package dev.aigateway.proxy.cluster;

import dev.aigateway.tls.TlsFiles;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An upstream cluster as the proxy applies it.
 *
 * @param edsServiceName set for EDS clusters, whose endpoints come from a ClusterLoadAssignment
 * @param sni set when the cluster uses TLS (empty string: TLS without SNI)
 * @param http2 the cluster asks for HTTP/2 (used for the ext_proc gRPC cluster)
 * @param keepalive HTTP/2 keepalive pings (the ext_proc cluster), or null for none
 * @param trustedCa the CA certificates of the cluster's {@code trusted_ca}, or null for the proxy's
 *     own trust settings
 * @param clientTls the client certificate and trusted CA files of the cluster's UpstreamTlsContext,
 *     for mutual TLS (used for the ext_proc gRPC cluster); null: none
 * @param upstreamExtProc the ext_proc filter of the cluster's upstream filter chain
 *     (HttpProtocolOptions.http_filters), run once per attempt; null: none
 * @param outlier the cluster's outlier_detection; null: none
 */
public record ClusterSpec(
    String name,
    List<Endpoint> endpoints,
    @Nullable String edsServiceName,
    @Nullable String sni,
    boolean http2,
    Duration connectTimeout,
    long bufferLimitBytes,
    @Nullable List<X509Certificate> trustedCa,
    @Nullable Keepalive keepalive,
    @Nullable TlsFiles clientTls,
    dev.aigateway.proxy.extproc.@Nullable ExtProcSpec upstreamExtProc,
    @Nullable OutlierSpec outlier) {

  public ClusterSpec(
      String name,
      List<Endpoint> endpoints,
      @Nullable String edsServiceName,
      @Nullable String sni,
      boolean http2,
      Duration connectTimeout,
      long bufferLimitBytes,
      @Nullable List<X509Certificate> trustedCa,
      @Nullable Keepalive keepalive,
      @Nullable TlsFiles clientTls) {
    this(
        name,
        endpoints,
        edsServiceName,
        sni,
        http2,
        connectTimeout,
        bufferLimitBytes,
        trustedCa,
        keepalive,
        clientTls,
        null,
        null);
  }

  /**
   * HTTP/2 PINGs on idle and busy connections (protocol.proto connection_keepalive): a peer gone
   * without a FIN is noticed within interval + timeout.
   */
  public record Keepalive(Duration interval, Duration timeout) {}

  public ClusterSpec(
      String name,
      List<Endpoint> endpoints,
      @Nullable String edsServiceName,
      @Nullable String sni,
      boolean http2,
      Duration connectTimeout,
      long bufferLimitBytes,
      @Nullable List<X509Certificate> trustedCa,
      @Nullable Keepalive keepalive) {
    this(
        name,
        endpoints,
        edsServiceName,
        sni,
        http2,
        connectTimeout,
        bufferLimitBytes,
        trustedCa,
        keepalive,
        null);
  }

  public ClusterSpec(
      String name,
      List<Endpoint> endpoints,
      @Nullable String edsServiceName,
      @Nullable String sni,
      boolean http2,
      Duration connectTimeout,
      long bufferLimitBytes) {
    this(name, endpoints, edsServiceName, sni, http2, connectTimeout, bufferLimitBytes, null, null);
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
        trustedCa,
        keepalive,
        clientTls,
        upstreamExtProc,
        outlier);
  }
}
