package dev.aigateway.proxy.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.aigateway.proxy.cluster.Endpoint;
import dev.aigateway.proxy.cluster.EndpointTls;
import dev.aigateway.proxy.cluster.OutlierSpec;
import dev.aigateway.proxy.extproc.ExtProcSpec;
import dev.aigateway.proxy.extproc.HostAttributes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The cluster settings issue 19 needs, as Envoy applies them: endpoint metadata and per-endpoint
 * TLS ({@code transport_socket_matches}), {@code outlier_detection}, and the upstream HTTP filter
 * chain ({@code HttpProtocolOptions.http_filters}: one ext_proc, ending in {@code upstream_codec}).
 */
final class UpstreamFailover {
  static final String TRANSPORT_SOCKET_MATCH = "envoy.transport_socket_match";

  /** The only request_attributes form the proxy evaluates: one endpoint metadata string. */
  static final Pattern HOST_METADATA_ATTRIBUTE = HostAttributes.PATTERN;

  private UpstreamFailover() {}

  /** filter_metadata with string values (other kinds as their JSON-ish text). */
  static Map<String, Map<String, String>> metadata(Metadata m) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    m.getFilterMetadataMap()
        .forEach(
            (ns, struct) -> {
              Map<String, String> fields = new LinkedHashMap<>();
              struct.getFieldsMap().forEach((k, v) -> fields.put(k, text(v)));
              out.put(ns, fields);
            });
    return out;
  }

  private static String text(Value v) {
    return v.hasStringValue() ? v.getStringValue() : v.toString().trim();
  }

  /**
   * Endpoints with the TLS of the first {@code transport_socket_matches} entry whose match is a
   * subset of their {@code envoy.transport_socket_match} metadata (Envoy: first match wins; an
   * endpoint without one uses the cluster's transport socket).
   */
  static List<Endpoint> endpoints(Cluster c, List<Endpoint> endpoints)
      throws InvalidResourceException {
    if (c.getTransportSocketMatchesCount() == 0) {
      return endpoints;
    }
    List<EndpointTls> sockets = new ArrayList<>();
    for (Cluster.TransportSocketMatch m : c.getTransportSocketMatchesList()) {
      sockets.add(tls(m, c.getName()));
    }
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      Map<String, String> labels = e.metadata().getOrDefault(TRANSPORT_SOCKET_MATCH, Map.of());
      EndpointTls chosen = null;
      for (int i = 0; i < sockets.size(); i++) {
        Struct match = c.getTransportSocketMatches(i).getMatch();
        boolean subset =
            match.getFieldsMap().entrySet().stream()
                .allMatch(f -> text(f.getValue()).equals(labels.get(f.getKey())));
        if (subset) {
          chosen = sockets.get(i);
          break;
        }
      }
      out.add(e.withTls(chosen));
    }
    return out;
  }

  private static EndpointTls tls(Cluster.TransportSocketMatch m, String cluster)
      throws InvalidResourceException {
    var ts = m.getTransportSocket();
    String where = "cluster " + cluster + " transport_socket_matches " + m.getName();
    if (!ts.getTypedConfig().getTypeUrl().endsWith("UpstreamTlsContext")) {
      throw new InvalidResourceException(where + ": only UpstreamTlsContext is supported");
    }
    try {
      UpstreamTlsContext tls = ts.getTypedConfig().unpack(UpstreamTlsContext.class);
      if (tls.getCommonTlsContext().getTlsCertificatesCount() > 0
          || tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigsCount() > 0) {
        throw new InvalidResourceException(where + ": client certificates unsupported");
      }
      return new EndpointTls(tls.getSni(), UpstreamTrust.of(tls, cluster));
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidResourceException(where + ": bad UpstreamTlsContext");
    }
  }

  static @Nullable OutlierSpec outlier(Cluster c) {
    if (!c.hasOutlierDetection()) {
      return null;
    }
    OutlierDetection o = c.getOutlierDetection();
    int c5xx = o.hasConsecutive5Xx() ? o.getConsecutive5Xx().getValue() : 5;
    int enforce5xx =
        o.hasEnforcingConsecutive5Xx() ? o.getEnforcingConsecutive5Xx().getValue() : 100;
    int gw = o.hasConsecutiveGatewayFailure() ? o.getConsecutiveGatewayFailure().getValue() : 5;
    // enforcing_consecutive_gateway_failure defaults to 0: counted, never ejects.
    int enforceGw =
        o.hasEnforcingConsecutiveGatewayFailure()
            ? o.getEnforcingConsecutiveGatewayFailure().getValue()
            : 0;
    Duration base =
        o.hasBaseEjectionTime() ? XdsDurations.of(o.getBaseEjectionTime()) : Duration.ofSeconds(30);
    Duration max =
        o.hasMaxEjectionTime() ? XdsDurations.of(o.getMaxEjectionTime()) : Duration.ofSeconds(300);
    int percent = o.hasMaxEjectionPercent() ? o.getMaxEjectionPercent().getValue() : 10;
    // Enforcement percentages other than 0 and 100 are random in Envoy; the proxy takes > 0 as on.
    return new OutlierSpec(enforce5xx > 0 ? c5xx : 0, enforceGw > 0 ? gw : 0, base, max, percent);
  }

  /**
   * The upstream filter chain: at most one ext_proc, then {@code upstream_codec}, which must be
   * last (Envoy rejects a chain that does not end in a terminal filter).
   */
  static @Nullable ExtProcSpec upstreamFilters(List<HttpFilter> filters, String cluster)
      throws InvalidResourceException {
    if (filters.isEmpty()) {
      return null;
    }
    String where = "cluster " + cluster + " http_filters";
    HttpFilter last = filters.getLast();
    if (!last.getTypedConfig().getTypeUrl().endsWith("upstream_codec.v3.UpstreamCodec")) {
      throw new InvalidResourceException(where + ": the last filter must be upstream_codec");
    }
    ExtProcSpec spec = null;
    for (HttpFilter f : filters.subList(0, filters.size() - 1)) {
      if (!f.getTypedConfig().getTypeUrl().endsWith("ext_proc.v3.ExternalProcessor")
          || spec != null) {
        throw new InvalidResourceException(
            where + ": only one ext_proc filter before upstream_codec is supported");
      }
      ExternalProcessor p;
      try {
        p = f.getTypedConfig().unpack(ExternalProcessor.class);
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidResourceException(where + ": cannot decode ExternalProcessor");
      }
      for (String attribute : p.getRequestAttributesList()) {
        if (!HOST_METADATA_ATTRIBUTE.matcher(attribute).matches()) {
          throw new InvalidResourceException(
              where + ": request attribute " + attribute + " unsupported");
        }
      }
      spec = ListenerTranslator.extProc(f.getName(), p, where);
    }
    return spec;
  }
}
