package dev.aigateway.controlplane.admin.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.fleet.Fleet;
import dev.aigateway.db.fleet.FleetNode;
import dev.aigateway.db.fleet.FleetRepository;
import io.javalin.config.RoutesConfig;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * {@code /api/v1/fleets}: named groups of Envoys and their listener port, with the status of the
 * nodes the xDS server recorded. The bootstrap route is registered by the xDS package.
 */
public final class FleetRoutes {
  private FleetRoutes() {}

  /** A fleet with its nodes. */
  public record FleetView(
      UUID id,
      String name,
      int listenerPort,
      long version,
      Instant createdAt,
      Instant updatedAt,
      List<FleetNode> nodes) {}

  record FleetList(
      List<FleetView> items, long total, int limit, int offset, List<FleetNode> unassignedNodes) {}

  record Create(@Nullable String name, @Nullable Integer listenerPort) {}

  record Patch(@Nullable Integer listenerPort, @Nullable Long version) {}

  public static Fleet resolve(DSLContext dsl, String idOrName) {
    return Requests.uuid(idOrName)
        .flatMap(id -> FleetRepository.find(dsl, id))
        .or(() -> FleetRepository.findByName(dsl, idOrName))
        .orElseThrow(() -> ApiProblem.notFound("no such fleet"));
  }

  private static FleetView view(DSLContext dsl, Fleet f) {
    return new FleetView(
        f.id(),
        f.name(),
        f.listenerPort(),
        f.version(),
        f.createdAt(),
        f.updatedAt(),
        FleetRepository.nodes(dsl, f.id()));
  }

  private static Fleet lock(DSLContext tx, String idOrName) {
    Fleet found = resolve(tx, idOrName);
    return FleetRepository.lock(tx, found.id())
        .orElseThrow(() -> ApiProblem.notFound("no such fleet"));
  }

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, Writes writes) {
    String base = "/api/v1/fleets";
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          Page<Fleet> page = FleetRepository.list(db.dsl(), paging.limit(), paging.offset());
          ctx.json(
              new FleetList(
                  page.items().stream().map(f -> view(db.dsl(), f)).toList(),
                  page.total(),
                  paging.limit(),
                  paging.offset(),
                  FleetRepository.unassignedNodes(db.dsl())));
        });
    routes.post(
        base,
        ctx -> {
          Create in = Requests.body(ctx, mapper, Create.class).value();
          Validation v = new Validation();
          v.resourceName("name", in.name());
          if (v.required("listener_port", in.listenerPort())) {
            listenerPort(v, in.listenerPort());
          }
          v.throwIfInvalid();
          FleetView created =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    UUID id = UUID.randomUUID();
                    FleetRepository.insert(change.tx(), id, in.name(), in.listenerPort());
                    FleetView view =
                        view(change.tx(), FleetRepository.find(change.tx(), id).orElseThrow());
                    change.audit("create", "fleet", id, null, view);
                    return view;
                  });
          ctx.status(201).json(created);
        });
    routes.get(
        base + "/{id}", ctx -> ctx.json(view(db.dsl(), resolve(db.dsl(), ctx.pathParam("id")))));
    routes.patch(
        base + "/{id}",
        ctx -> {
          var body = Requests.body(ctx, mapper, Patch.class);
          long expected = Requests.expectedVersion(ctx, body.value().version());
          FleetView updated =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    Fleet current = lock(change.tx(), ctx.pathParam("id"));
                    if (current.version() != expected) {
                      throw ApiProblem.staleVersion(expected, current.version());
                    }
                    Integer port =
                        body.has("listener_port")
                            ? body.value().listenerPort()
                            : current.listenerPort();
                    Validation v = new Validation();
                    if (v.required("listener_port", port)) {
                      listenerPort(v, port);
                    }
                    v.throwIfInvalid();
                    FleetRepository.update(change.tx(), current.id(), port);
                    FleetView before = view(change.tx(), current);
                    FleetView after =
                        view(
                            change.tx(),
                            FleetRepository.find(change.tx(), current.id()).orElseThrow());
                    change.audit(
                        "update", "fleet", current.id(), withoutNodes(before), withoutNodes(after));
                    return after;
                  });
          ctx.json(updated);
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          writes.run(
              Principal.of(ctx),
              change -> {
                Fleet current = lock(change.tx(), ctx.pathParam("id"));
                if (current.name().equals(Fleet.DEFAULT)) {
                  throw ApiProblem.conflict("the default fleet cannot be deleted");
                }
                FleetRepository.delete(change.tx(), current.id());
                change.audit("delete", "fleet", current.id(), current, null);
                return null;
              });
          ctx.status(204);
        });
  }

  private static Fleet withoutNodes(FleetView v) {
    return new Fleet(v.id(), v.name(), v.listenerPort(), v.version(), v.createdAt(), v.updatedAt());
  }

  /**
   * A port the official Envoy image can bind: it runs as a non-root user without
   * CAP_NET_BIND_SERVICE, so ports below 1024 fail, and the bootstrap's admin interface holds its
   * own port.
   */
  static void listenerPort(Validation v, int port) {
    if (v.range("listener_port", port, 1024, 65535)
        && port == dev.aigateway.controlplane.xds.XdsRoutes.DEFAULT_ENVOY_ADMIN_PORT) {
      v.add("listener_port", "must not be " + port + ", the Envoy admin port of the bootstrap");
    }
  }
}
