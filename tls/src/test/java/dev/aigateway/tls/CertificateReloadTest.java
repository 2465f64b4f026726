package dev.aigateway.tls;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, certificate hot reload: the gRPC servers and clients built from {@link TlsFiles} use
 * renewed certificate files from the next connection on, without a restart.
 */
class CertificateReloadTest {

  /** What a raw TLS client saw of a gRPC server: its certificate, and whether it let us in. */
  record Seen(X509Certificate server, boolean accepted) {}

  /** Trusts anything, keeping the last chain it was shown (the test judges it). */
  static final class Capture implements X509TrustManager {
    final AtomicReference<X509Certificate @Nullable []> last = new AtomicReference<>();

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      last.set(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      last.set(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /**
   * A client context presenting {@code identity} whatever CA names the server lists (as Envoy and
   * the gateway's own clients do: the server's list may be the one it started with, since
   * OpenSSL-backed servers fix it when their context is built).
   */
  private static SSLContext context(TlsFiles identity, TrustManager trust) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {new ReloadingKeyManager(identity.cert(), identity.key())},
        new TrustManager[] {trust},
        null);
    return context;
  }

  private static Seen connect(TlsFiles identity, int port) throws Exception {
    Capture capture = new Capture();
    try (SSLSocket socket =
        (SSLSocket)
            context(identity, capture)
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      boolean accepted;
      try {
        // An accepted client gets the server's HTTP/2 SETTINGS; a refused one an alert or EOF.
        InputStream in = socket.getInputStream();
        accepted = in.read() >= 0;
      } catch (IOException e) {
        accepted = false;
      }
      return new Seen(capture.last.get()[0], accepted);
    }
  }

  private static X509Certificate certificate(Path file) throws IOException {
    return CertificateFiles.certificates(file).get(0);
  }

  /** Renews the files the way a rotation job does: each one replaced by an atomic rename. */
  private static void renew(TlsFiles files, Path staging, String... names) throws IOException {
    TlsFiles fresh = DevCertificates.create(staging, DevCertificates.LOCAL_NAMES);
    for (String name : names) {
      Path from = fresh.ca().getParent().resolve(name);
      Files.move(from, files.ca().getParent().resolve(name), REPLACE_EXISTING, ATOMIC_MOVE);
    }
  }

  private static TlsFiles copy(TlsFiles files, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Path file : List.of(files.ca(), files.cert(), files.key())) {
      Files.copy(file, dir.resolve(file.getFileName()));
    }
    return TlsFiles.inDirectory(dir);
  }

  @Test
  void aGrpcServerPresentsARenewedCertificateAndTrustsARenewedCaFromTheNextConnection(
      @TempDir Path tmp) throws Exception {
    TlsFiles files = DevCertificates.create(tmp.resolve("tls"), DevCertificates.LOCAL_NAMES);
    TlsFiles before = copy(files, tmp.resolve("client-before"));
    Server server = Grpc.newServerBuilderForPort(0, files.serverCredentials()).build().start();
    try {
      Seen first = connect(before, server.getPort());
      assertThat(first.accepted()).isTrue();
      assertThat(first.server()).isEqualTo(certificate(before.cert()));

      // A new CA, certificate and key, swapped in while the server runs.
      renew(files, tmp.resolve("staging"), TlsFiles.CA_FILE, TlsFiles.CERT_FILE, TlsFiles.KEY_FILE);
      TlsFiles after = copy(files, tmp.resolve("client-after"));

      Seen renewed = connect(after, server.getPort());
      assertThat(renewed.server()).isEqualTo(certificate(after.cert()));
      assertThat(renewed.server()).isNotEqualTo(first.server());
      assertThat(renewed.accepted()).as("a client of the new CA is let in").isTrue();
      assertThat(connect(before, server.getPort()).accepted())
          .as("a client of the replaced CA is not")
          .isFalse();
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCertificateRenewedWithoutItsKeyYetIsNotServedUntilTheKeyArrives(@TempDir Path tmp)
      throws Exception {
    TlsFiles files = DevCertificates.create(tmp.resolve("tls"), DevCertificates.LOCAL_NAMES);
    TlsFiles client = copy(files, tmp.resolve("client"));
    Server server = Grpc.newServerBuilderForPort(0, files.serverCredentials()).build().start();
    try {
      TlsFiles fresh = DevCertificates.create(tmp.resolve("staging"), DevCertificates.LOCAL_NAMES);
      X509Certificate renewed = certificate(fresh.cert());

      Files.move(fresh.cert(), files.cert(), REPLACE_EXISTING, ATOMIC_MOVE);
      Seen halfway = connect(client, server.getPort());
      assertThat(halfway.server()).isEqualTo(certificate(client.cert()));
      assertThat(halfway.accepted()).isTrue();

      Files.move(fresh.key(), files.key(), REPLACE_EXISTING, ATOMIC_MOVE);
      Seen done = connect(client, server.getPort());
      assertThat(done.server()).isEqualTo(renewed);
      assertThat(done.accepted()).as("the trusted CA did not change").isTrue();
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGrpcChannelPresentsARenewedClientCertificateOnItsNextConnection(@TempDir Path tmp)
      throws Exception {
    TlsFiles files = DevCertificates.create(tmp.resolve("tls"), DevCertificates.LOCAL_NAMES);
    // A TLS server that presents the same (reloading) identity, so the channel trusts it, and
    // keeps the client certificate of each connection.
    Capture clients = new Capture();
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {new ReloadingKeyManager(files.cert(), files.key())},
        new TrustManager[] {clients},
        null);
    try (SSLServerSocket listener =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      SSLParameters parameters = listener.getSSLParameters();
      parameters.setNeedClientAuth(true);
      parameters.setApplicationProtocols(new String[] {"h2"});
      listener.setSSLParameters(parameters);
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!listener.isClosed()) {
                      try (Socket s = listener.accept()) {
                        ((SSLSocket) s).startHandshake();
                      } catch (IOException e) {
                        // closed, or a handshake the client gave up
                      }
                    }
                  });
      X509Certificate first =
          clientCertificateOfANewChannel(files, listener.getLocalPort(), clients);
      assertThat(first).isEqualTo(certificate(files.cert()));

      renew(files, tmp.resolve("staging"), TlsFiles.CA_FILE, TlsFiles.CERT_FILE, TlsFiles.KEY_FILE);

      X509Certificate second =
          clientCertificateOfANewChannel(files, listener.getLocalPort(), clients);
      assertThat(second).isEqualTo(certificate(files.cert())).isNotEqualTo(first);
      listener.close();
      acceptor.join(5_000);
    }
  }

  private static X509Certificate clientCertificateOfANewChannel(
      TlsFiles files, int port, Capture clients) throws Exception {
    clients.last.set(null);
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", port, files.channelCredentials()).build();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (clients.last.get() == null && System.nanoTime() < deadline) {
        channel.getState(true);
        Thread.sleep(20);
      }
      X509Certificate[] chain = clients.last.get();
      assertThat(chain).as("the channel's client certificate").isNotNull();
      return chain[0];
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
