package dev.aigateway.proxy.cluster;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.UncheckedIOException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** Client TLS for upstream clusters: the JDK trust store unless settings give another. */
final class TlsContexts {

  private final SslContext context;

  TlsContexts(@Nullable TrustManagerFactory trust) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (trust != null) {
        b.trustManager(trust);
      }
      context = b.build();
    } catch (SSLException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A handler sending {@code sni} and checking the certificate against it. */
  SslHandler newHandler(ByteBufAllocator alloc, String sni, Endpoint endpoint) {
    String peer = sni.isEmpty() ? endpoint.host() : sni;
    SslHandler h = context.newHandler(alloc, peer, endpoint.port());
    SSLParameters params = h.engine().getSSLParameters();
    // Stricter than Envoy without match_typed_subject_alt_names: the name must match the SNI.
    params.setEndpointIdentificationAlgorithm("HTTPS");
    h.engine().setSSLParameters(params);
    return h;
  }
}
