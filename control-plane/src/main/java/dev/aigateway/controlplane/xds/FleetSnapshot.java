package dev.aigateway.controlplane.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One fleet's immutable xDS snapshot.
 *
 * <p>java-control-plane's own {@code Snapshot.create} versions each resource by {@code
 * Message.hashCode()}, which differs between JVMs; here each resource's version is a hash of its
 * deterministic serialization, so every replica hands out the same delta-xDS resource versions for
 * the same state, and the snapshot version is the config revision.
 */
public final class FleetSnapshot extends io.envoyproxy.controlplane.cache.v3.Snapshot {
  private final String version;
  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;

  FleetSnapshot(
      String version,
      List<Cluster> clusters,
      List<Listener> listeners,
      List<RouteConfiguration> routes) {
    this.version = version;
    this.clusters = resources(clusters, version);
    this.listeners = resources(listeners, version);
    this.routes = resources(routes, version);
  }

  /** A snapshot with no resources: Envoys of a deleted fleet drop their config. */
  static FleetSnapshot empty(String version) {
    return new FleetSnapshot(version, List.of(), List.of(), List.of());
  }

  /** The snapshot version: the config revision it was assembled from. */
  public String version() {
    return version;
  }

  @Override
  public SnapshotResources<Cluster> clusters() {
    return clusters;
  }

  @Override
  public SnapshotResources<ClusterLoadAssignment> endpoints() {
    // Provider and ext_proc clusters carry their endpoints inline (DNS), so there is no EDS.
    return SnapshotResources.create(List.of(), version);
  }

  @Override
  public SnapshotResources<Listener> listeners() {
    return listeners;
  }

  @Override
  public SnapshotResources<RouteConfiguration> routes() {
    return routes;
  }

  @Override
  public SnapshotResources<Secret> secrets() {
    // Never any secret in xDS: provider credentials are injected by the ext_proc.
    return SnapshotResources.create(List.of(), version);
  }

  private static <T extends Message> SnapshotResources<T> resources(
      List<T> messages, String version) {
    List<VersionedResource<T>> versioned =
        messages.stream().map(m -> VersionedResource.create(m, contentVersion(m))).toList();
    return SnapshotResources.create(versioned, version);
  }

  /** A stable hash of the resource's content (deterministic protobuf serialization). */
  static String contentVersion(Message message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      message.writeTo(out);
      out.flush();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
