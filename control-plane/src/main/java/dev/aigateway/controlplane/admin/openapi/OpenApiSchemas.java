package dev.aigateway.controlplane.admin.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.vocabulary.provider.CredentialKind;

/** Component schemas of the admin API document (shapes as in docs/admin-api.md). */
final class OpenApiSchemas {
  private OpenApiSchemas() {}

  private static final String META = "version:integer, created_at:date-time, updated_at:date-time";

  static ObjectNode all(ObjectMapper m) {
    ObjectNode s = m.createObjectNode();
    put(
        s,
        m,
        "Problem",
        "type:string, title:string, status:integer, detail:string,"
            + " errors:[FieldError], referenced_by:[Ref]");
    put(s, m, "FieldError", "field:string, message:string");
    put(s, m, "Ref", "type:string, id:uuid, name:string");
    put(s, m, "Me", "name:string, role:string");
    put(
        s,
        m,
        "Provider",
        "id:uuid, name:string, schema:string, base_url:string, settings:map,"
            + " credentials:[Credential], "
            + META);
    put(
        s,
        m,
        "Credential",
        "id:uuid, kind:string, hint:string, created_at:date-time, error:string?,"
            + " failing_since:date-time?");
    put(
        s,
        m,
        "CredentialInput",
        "kind:string"
            + java.util.Arrays.stream(CredentialKind.values())
                .flatMap(k -> k.fields().stream())
                .map(f -> ", " + f.name() + ":string" + (f.required() ? "" : "?"))
                .distinct()
                .collect(java.util.stream.Collectors.joining()));
    put(
        s,
        m,
        "ProviderVocabulary",
        "schemas:[ProviderSchemaInfo], credential_kinds:[CredentialKindInfo]");
    put(
        s,
        m,
        "ProviderSchemaInfo",
        "name:string, label:string, default_base_url:string, http2:boolean,"
            + " credential_optional:boolean, settings:[SettingInfo], credential_kinds:[string]");
    put(s, m, "SettingInfo", "name:string, label:string, required:boolean, help:string");
    put(
        s,
        m,
        "CredentialKindInfo",
        "name:string, label:string, stores_secret:boolean, may_block:boolean,"
            + " fields:[CredentialFieldInfo]");
    put(
        s,
        m,
        "CredentialFieldInfo",
        "name:string, label:string, secret:boolean, required:boolean, max_length:integer,"
            + " multiline:boolean");
    put(
        s,
        m,
        "ProviderCreate",
        "name:string, schema:string, base_url:string, settings:map,"
            + " credentials:[CredentialInput]");
    put(
        s,
        m,
        "ProviderPatch",
        "name:string, base_url:string, settings:map,"
            + " credentials:[CredentialInput], version:integer");
    put(s, m, "ProviderTest", "ok:boolean, status:integer?, latency_ms:integer?, detail:string");
    put(s, m, "Target", "provider:string, model:string, weight:integer, priority:integer");
    put(
        s,
        m,
        "Pricing",
        "input_per_million:number?, output_per_million:number?,"
            + " cached_input_per_million:number?");
    describe(
        s,
        "Target",
        "priority",
        "0 is the first choice, 1 the first fallback, and so on (Envoy's priority levels);"
            + " within a priority, traffic splits by weight. 0..1000, default 0.");
    put(
        s,
        m,
        "Failover",
        "retry_on:[string], attempts:integer, per_attempt_timeout_ms:integer,"
            + " backoff_base_ms:integer, backoff_max_ms:integer");
    describe(
        s,
        "Failover",
        "retry_on",
        "conditions that move a request to the next target: connect-failure, reset, 5xx (also a"
            + " per-attempt timeout), gateway-error (502/503/504 and a per-attempt timeout), 429,"
            + " 529. Default [connect-failure, reset, 5xx, 429, 529]; empty: never retry.");
    describe(s, "Failover", "attempts", "attempts in all, the first included: 1..10, default 3");
    describe(
        s,
        "Failover",
        "per_attempt_timeout_ms",
        "time an attempt may take until its response headers, then the next target is tried;"
            + " 0 (default): none");
    describe(s, "Failover", "backoff_base_ms", "first back-off interval, 1..60000, default 25");
    describe(
        s,
        "Failover",
        "backoff_max_ms",
        "longest back-off interval (doubling with jitter), >= backoff_base_ms, default 250");
    put(
        s,
        m,
        "Model",
        "id:uuid, name:string, targets:[Target], pricing:Pricing?, failover:Failover, " + META);
    put(s, m, "ModelCreate", "name:string, targets:[Target], pricing:Pricing?, failover:Failover");
    put(
        s,
        m,
        "ModelPatch",
        "name:string, targets:[Target], pricing:Pricing?, failover:Failover, version:integer");
    put(s, m, "Team", "id:uuid, name:string, key_count:integer, " + META);
    put(s, m, "TeamCreate", "name:string");
    put(s, m, "TeamPatch", "name:string, version:integer");
    put(
        s,
        m,
        "Key",
        "id:uuid, name:string, team:string, team_id:uuid, prefix:string,"
            + " allowed_models:[string], expires_at:date-time?, revoked_at:date-time?, status:string, "
            + META);
    put(
        s,
        m,
        "KeyCreated",
        "id:uuid, name:string, team:string, team_id:uuid, prefix:string,"
            + " allowed_models:[string], expires_at:date-time?, revoked_at:date-time?, status:string,"
            + " key:string, "
            + META);
    put(
        s,
        m,
        "KeyCreate",
        "name:string, team:string, allowed_models:[string], expires_at:date-time?");
    put(
        s,
        m,
        "KeyPatch",
        "name:string, allowed_models:[string], expires_at:date-time?," + " version:integer");
    put(
        s,
        m,
        "Quota",
        "id:uuid, scope:string, scope_id:uuid?, model:string?, metric:string,"
            + " window:string, limit:number, usage:QuotaUsage?, "
            + META);
    put(
        s,
        m,
        "QuotaUsage",
        "window_start:date-time, resets_at:date-time, used:number, remaining:number");
    put(
        s,
        m,
        "UsageTotals",
        "requests:integer, errors:integer, input_tokens:integer, output_tokens:integer,"
            + " total_tokens:integer, cost_usd:number");
    put(
        s,
        m,
        "UsagePoint",
        "start:date-time, requests:integer, errors:integer, input_tokens:integer,"
            + " output_tokens:integer, total_tokens:integer, cost_usd:number");
    put(s, m, "UsageSeries", "group:string, group_id:string?, points:[UsagePoint]");
    put(
        s,
        m,
        "UsageReport",
        "group_by:string, granularity:string, from:date-time, to:date-time,"
            + " series:[UsageSeries], totals:UsageTotals");
    put(
        s,
        m,
        "UsageRequest",
        "time:date-time, request_id:string, key_id:uuid?, key_name:string?, team:string?,"
            + " model:string?, provider:string?, upstream_model:string?, input_tokens:integer,"
            + " output_tokens:integer, cached_tokens:integer, cost_usd:number, status:integer,"
            + " latency_ms:integer, streamed:boolean, client_request_id:string?");
    put(
        s,
        m,
        "QuotaCreate",
        "scope:string, scope_id:uuid?, model:string?, metric:string,"
            + " window:string, limit:number");
    put(
        s,
        m,
        "QuotaPatch",
        "model:string?, metric:string, window:string, limit:number," + " version:integer");
    put(
        s,
        m,
        "FleetNode",
        "node_id:string, fleet_name:string, replica_id:string,"
            + " connected:boolean, connected_at:date-time, last_seen_at:date-time, acked_versions:map,"
            + " last_nack:map?");
    put(s, m, "Fleet", "id:uuid, name:string, listener_port:integer, nodes:[FleetNode], " + META);
    put(
        s,
        m,
        "FleetList",
        "items:[Fleet], total:integer, limit:integer, offset:integer,"
            + " unassigned_nodes:[FleetNode]");
    put(s, m, "FleetCreate", "name:string, listener_port:integer");
    put(s, m, "FleetPatch", "listener_port:integer, version:integer");
    put(
        s,
        m,
        "AuditEntry",
        "id:integer, at:date-time, actor:string, action:string,"
            + " resource_type:string, resource_id:string?, before:map?, after:map?");
    put(
        s,
        m,
        "AdminToken",
        "id:uuid, name:string, role:string, prefix:string,"
            + " created_at:date-time, revoked_at:date-time?");
    put(
        s,
        m,
        "AdminTokenCreated",
        "id:uuid, name:string, role:string, prefix:string,"
            + " created_at:date-time, revoked_at:date-time?, token:string");
    put(s, m, "AdminTokenCreate", "name:string, role:string");
    return s;
  }

  /** {@code "name:type, other:[Item], maybe:type?"} into a JSON schema object. */
  private static void describe(
      ObjectNode schemas, String schema, String property, String description) {
    ((ObjectNode) schemas.path(schema).path("properties").path(property))
        .put("description", description);
  }

  private static void put(ObjectNode schemas, ObjectMapper m, String name, String spec) {
    ObjectNode schema = schemas.putObject(name).put("type", "object");
    ObjectNode props = schema.putObject("properties");
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split(":");
      props.set(kv[0], type(m, kv[1]));
    }
  }

  private static ObjectNode type(ObjectMapper m, String t) {
    boolean nullable = t.endsWith("?");
    String base = nullable ? t.substring(0, t.length() - 1) : t;
    ObjectNode node;
    if (base.startsWith("[")) {
      node = m.createObjectNode().put("type", "array");
      node.set("items", type(m, base.substring(1, base.length() - 1)));
    } else {
      node =
          switch (base) {
            case "string", "integer", "number", "boolean" -> m.createObjectNode().put("type", base);
            case "uuid" -> m.createObjectNode().put("type", "string").put("format", "uuid");
            case "date-time" ->
                m.createObjectNode().put("type", "string").put("format", "date-time");
            case "map" -> m.createObjectNode().put("type", "object");
            default -> OpenApiDocument.ref(m, base);
          };
    }
    if (!nullable) {
      return node;
    }
    ObjectNode either = m.createObjectNode();
    either.putArray("oneOf").add(node).addObject().put("type", "null");
    return either;
  }
}
