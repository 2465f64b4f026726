package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, DNS rebinding: a provider host checked at write time may later resolve to a cloud
 * metadata or link-local address. The control plane checks every provider's address again each time
 * it builds the Envoy config, and rebuilds periodically even without a config change, so a rebound
 * host loses its cluster (Envoy has nowhere to send that provider's credentials) and gets it back
 * once DNS is sane again.
 */
class DnsRebindingTest {
  /** A DNS the test controls: host name to the address it answers now. */
  private final Map<String, String> dns = new ConcurrentHashMap<>();

  private InetAddress[] resolve(String host) throws UnknownHostException {
    String address = dns.get(host);
    if (address == null) {
      throw new UnknownHostException(host);
    }
    return new InetAddress[] {InetAddress.getByName(address)};
  }

  private static void await(Predicate<Void> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.test(null)) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static boolean hasCluster(SimpleCache<String> cache, String provider) {
    var snapshot = cache.getSnapshot("default");
    return snapshot != null
        && snapshot.clusters().resources().containsKey(XdsNames.providerCluster(provider));
  }

  @Test
  void aProviderWhoseHostNowResolvesToTheMetadataAddressLosesItsClusterUntilDnsRecovers()
      throws Exception {
    dns.put("llm.rebind.test", "203.0.113.10");
    dns.put("api.other.test", "198.51.100.7");
    XdsState state =
        new XdsState(
            5,
            List.of(new XdsState.Fleet("default", 10000)),
            List.of(
                new XdsState.Provider("rebound", "openai", "https://llm.rebind.test/v1"),
                new XdsState.Provider("steady", "openai", "https://api.other.test/v1")));
    SnapshotAssembler assembler =
        new SnapshotAssembler(
            new ExtProcTarget("127.0.0.1", 18001),
            EnvoyOptions.DEFAULTS,
            UpstreamAddressPolicy.neverAllowed(this::resolve)::problem);
    SimpleCache<String> cache = new SimpleCache<>(node -> node.getCluster());
    // No revision is ever announced after the first: only the periodic rebuild can notice.
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            cache, () -> state, assembler, new SimpleMeterRegistry(), Duration.ofMillis(100))) {
      publisher.start();
      publisher.announce(5);
      await(v -> hasCluster(cache, "rebound"));
      String version = cache.getSnapshot("default").clusters().version();
      assertThat(version).isEqualTo("5");

      dns.put("llm.rebind.test", "169.254.169.254");
      await(v -> !hasCluster(cache, "rebound"));
      assertThat(hasCluster(cache, "steady")).isTrue();
      // A new version, or Envoys holding revision 5 would keep the old cluster.
      assertThat(cache.getSnapshot("default").clusters().version()).isNotEqualTo("5");

      dns.put("llm.rebind.test", "203.0.113.11");
      await(v -> hasCluster(cache, "rebound"));
      assertThat(cache.getSnapshot("default").clusters().version()).isEqualTo("5");
    }
  }

  @Test
  void linkLocalAndIpv6MetadataAreRefusedAtBuildEvenWhereLoopbackIsFine() throws Exception {
    UpstreamAddressPolicy policy = UpstreamAddressPolicy.neverAllowed(this::resolve);
    dns.put("a.test", "169.254.10.1");
    dns.put("b.test", "fd00:ec2::254");
    dns.put("c.test", "127.0.0.1");

    assertThat(policy.problem("https://a.test")).contains("link-local");
    assertThat(policy.problem("https://b.test")).isNotNull();
    // Private and loopback addresses are the operator's setting, checked at write time.
    assertThat(policy.problem("http://c.test:8000")).isNull();
    assertThat(policy.problem("https://unresolvable.test")).isNull();
  }

  @Test
  void envoyPodsCannotReachLinkLocalOrMetadataAddressesWhateverDnsSays() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        yaml.readerFor(JsonNode.class)
            .readValues(Path.of("../deploy/kubernetes/60-network-policies.yaml").toFile())) {
      it.forEachRemaining(docs::add);
    }
    List<JsonNode> envoyEgress =
        docs.stream()
            .filter(
                d ->
                    d.path("spec")
                        .path("podSelector")
                        .path("matchLabels")
                        .path("app")
                        .asText()
                        .equals("envoy"))
            .filter(d -> d.path("spec").path("policyTypes").toString().contains("Egress"))
            .toList();
    assertThat(envoyEgress).hasSize(1);
    JsonNode rules = envoyEgress.get(0).path("spec").path("egress");

    List<String> ports = new ArrayList<>();
    for (JsonNode rule : rules) {
      boolean dnsOnly =
          !rule.path("ports").isEmpty()
              && rule.path("ports").findValues("port").stream().allMatch(p -> p.asInt() == 53);
      for (JsonNode peer : rule.path("to")) {
        JsonNode block = peer.path("ipBlock");
        if (block.isMissingNode()) {
          continue;
        }
        String cidr = block.path("cidr").asText();
        List<String> except = new ArrayList<>();
        block.path("except").forEach(e -> except.add(e.asText()));
        if (cidr.startsWith("169.254.")) {
          assertThat(dnsOnly).as(cidr + " is reachable for DNS only").isTrue();
        } else if (cidr.contains(":")) {
          assertThat(except).contains("fe80::/10", "fd00:ec2::254/128");
        } else {
          assertThat(except).as(cidr).contains("169.254.0.0/16", "100.100.100.200/32");
        }
      }
      rule.path("ports").findValues("port").forEach(p -> ports.add(p.asText()));
    }
    // Still reaches what it needs: xDS, ext_proc, DNS.
    assertThat(ports).contains("18000", "18001", "53");
  }
}
