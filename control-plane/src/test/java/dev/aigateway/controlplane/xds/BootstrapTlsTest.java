package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap's mutual-TLS xDS cluster, read back the way Envoy reads it: YAML to JSON to the v3
 * Bootstrap proto (unknown fields fail), then the transport socket's UpstreamTlsContext.
 */
class BootstrapTlsTest {
  private static final JsonFormat.Parser PARSER =
      JsonFormat.parser()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(UpstreamTlsContext.getDescriptor())
                  .add(HttpProtocolOptions.getDescriptor())
                  .build());

  private static Bootstrap parse(String yaml) throws Exception {
    Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
    Bootstrap.Builder b = Bootstrap.newBuilder();
    PARSER.merge(new ObjectMapper().writeValueAsString(tree), b);
    return b.build();
  }

  @Test
  void xdsClusterPresentsTheEnvoyCertificateAndTrustsOnlyTheGatewayCa() throws Exception {
    TlsFiles files = TlsFiles.inDirectory(Path.of("/etc/gateway-tls"));
    Bootstrap bootstrap =
        parse(
            BootstrapYaml.render(
                new BootstrapYaml.Params("default", "e1", "xds.internal", 18000, 9901, files)));
    Cluster xds = bootstrap.getStaticResources().getClusters(0);
    UpstreamTlsContext tls =
        xds.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(xds.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    assertThat(tls.getSni()).isEqualTo("xds.internal");
    var common = tls.getCommonTlsContext();
    assertThat(common.getAlpnProtocolsList()).containsExactly("h2");
    assertThat(common.getTlsCertificates(0).getCertificateChain().getFilename())
        .isEqualTo("/etc/gateway-tls/cert.pem");
    assertThat(common.getTlsCertificates(0).getPrivateKey().getFilename())
        .isEqualTo("/etc/gateway-tls/key.pem");
    assertThat(common.getValidationContext().getTrustedCa().getFilename())
        .isEqualTo("/etc/gateway-tls/ca.pem");
    var san = common.getValidationContext().getMatchTypedSubjectAltNames(0);
    assertThat(san.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.DNS);
    assertThat(san.getMatcher().getExact()).isEqualTo("xds.internal");
  }

  @Test
  void anIpLiteralXdsHostIsMatchedAsAnIpAddressWithoutSni() throws Exception {
    Bootstrap bootstrap =
        parse(
            BootstrapYaml.render(
                new BootstrapYaml.Params(
                    "default",
                    "e1",
                    "10.0.0.7",
                    18000,
                    9901,
                    TlsFiles.inDirectory(Path.of("/tls")))));
    UpstreamTlsContext tls =
        bootstrap
            .getStaticResources()
            .getClusters(0)
            .getTransportSocket()
            .getTypedConfig()
            .unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEmpty();
    assertThat(
            tls.getCommonTlsContext()
                .getValidationContext()
                .getMatchTypedSubjectAltNames(0)
                .getSanType())
        .isEqualTo(SubjectAltNameMatcher.SanType.IP_ADDRESS);
  }

  @Test
  void withoutFilesTheBootstrapHasNoTransportSocket() throws Exception {
    Bootstrap bootstrap =
        parse(BootstrapYaml.render(new BootstrapYaml.Params("default", "e1", "x", 18000, 9901)));
    assertThat(bootstrap.getStaticResources().getClusters(0).hasTransportSocket()).isFalse();
  }
}
