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

  /** Client TLS trusting exactly these CA certificates. */
  static TlsContexts trusting(java.util.List<java.security.cert.X509Certificate> ca) {
    try {
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < ca.size(); i++) {
        store.setCertificateEntry("ca-" + i, ca.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return new TlsContexts(tmf);
    } catch (java.security.GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("trusted CA certificates unusable", e);
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
