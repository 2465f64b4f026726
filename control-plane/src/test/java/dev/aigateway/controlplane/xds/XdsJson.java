package dev.aigateway.controlplane.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Collection;
import java.util.stream.Collectors;

/** Prints xDS resources as Envoy-style JSON (with typed configs expanded) for golden files. */
final class XdsJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .preservingProtoFieldNames()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(HttpConnectionManager.getDescriptor())
                  .add(ExternalProcessor.getDescriptor())
                  .add(Router.getDescriptor())
                  .add(StdoutAccessLog.getDescriptor())
                  .add(UpstreamTlsContext.getDescriptor())
                  .add(HttpProtocolOptions.getDescriptor())
                  .add(
                      io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec
                          .getDescriptor())
                  .add(
                      io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3
                          .PreviousPrioritiesConfig.getDescriptor())
                  .add(
                      io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3
                          .PreviousHostsPredicate.getDescriptor())
                  .add(
                      io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3
                          .ConnectionLimit.getDescriptor())
                  .build());

  private XdsJson() {}

  static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON array of the messages in the given order. */
  static String array(Collection<? extends Message> messages) {
    return messages.stream().map(XdsJson::print).collect(Collectors.joining(",\n", "[\n", "\n]"));
  }

  /** The whole snapshot: version, then clusters, listeners and routes with their versions. */
  static String snapshot(FleetSnapshot snapshot) {
    StringBuilder out = new StringBuilder();
    out.append("{\n\"version\": \"").append(snapshot.version()).append("\",\n");
    section(out, "clusters", snapshot.clusters().versionedResources().values(), true);
    section(out, "listeners", snapshot.listeners().versionedResources().values(), true);
    section(out, "routes", snapshot.routes().versionedResources().values(), false);
    return out.append("}\n").toString();
  }

  private static void section(
      StringBuilder out,
      String name,
      Collection<? extends io.envoyproxy.controlplane.cache.VersionedResource<?>> resources,
      boolean comma) {
    out.append('"').append(name).append("\": [\n");
    int i = 0;
    for (var resource : resources) {
      out.append("{\"resource_version\": \"").append(resource.version()).append("\",\n");
      out.append("\"resource\": ").append(print(resource.resource())).append("}");
      out.append(++i < resources.size() ? ",\n" : "\n");
    }
    out.append(comma ? "],\n" : "]\n");
  }
}
