package dev.aigateway.controlplane.admin.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAPI 3.1 description of the admin API, written out by hand (not derived from the router)
 * so that a test comparing it with the registered routes can catch an undocumented route.
 */
public final class OpenApiDocument {
  private OpenApiDocument() {}

  /** One documented operation. */
  public record Operation(
      String method,
      String path,
      String summary,
      @Nullable String requestSchema,
      int status,
      @Nullable String responseSchema,
      List<String> query) {}

  private static final List<String> PAGING = List.of("limit", "offset");

  /** Every operation under {@code /api/v1}. */
  public static final List<Operation> OPERATIONS =
      List.of(
          op("get", "/api/v1/openapi.json", "This document", null, 200, null),
          op("get", "/api/v1/me", "The caller's token name and role", null, 200, "Me"),
          op(
              "get",
              "/api/v1/provider-schemas",
              "Provider schemas and credential kinds with their settings and fields",
              null,
              200,
              "ProviderVocabulary"),
          list("/api/v1/providers", "List providers", "Provider", "schema", "q"),
          op("post", "/api/v1/providers", "Create a provider", "ProviderCreate", 201, "Provider"),
          op(
              "get",
              "/api/v1/providers/{id}",
              "Read a provider (id or name)",
              null,
              200,
              "Provider"),
          op(
              "patch",
              "/api/v1/providers/{id}",
              "Update a provider",
              "ProviderPatch",
              200,
              "Provider"),
          op("delete", "/api/v1/providers/{id}", "Delete a provider", null, 204, null),
          op(
              "post",
              "/api/v1/providers/{id}/credentials",
              "Add a credential",
              "CredentialInput",
              201,
              "Credential"),
          op(
              "delete",
              "/api/v1/providers/{id}/credentials/{credential_id}",
              "Remove a credential",
              null,
              204,
              null),
          op(
              "post",
              "/api/v1/providers/{id}/test",
              "Check that the provider answers with its first credential",
              null,
              200,
              "ProviderTest"),
          list("/api/v1/models", "List models", "Model", "provider", "q"),
          op("post", "/api/v1/models", "Create a model", "ModelCreate", 201, "Model"),
          op("get", "/api/v1/models/{id}", "Read a model (id or name)", null, 200, "Model"),
          op("patch", "/api/v1/models/{id}", "Update a model", "ModelPatch", 200, "Model"),
          op("delete", "/api/v1/models/{id}", "Delete a model", null, 204, null),
          list("/api/v1/teams", "List teams", "Team", "q"),
          op("post", "/api/v1/teams", "Create a team", "TeamCreate", 201, "Team"),
          op("get", "/api/v1/teams/{id}", "Read a team (id or name)", null, 200, "Team"),
          op("patch", "/api/v1/teams/{id}", "Rename a team", "TeamPatch", 200, "Team"),
          op("delete", "/api/v1/teams/{id}", "Delete a team without keys", null, 204, null),
          list("/api/v1/keys", "List client keys", "Key", "team", "status", "q"),
          op(
              "post",
              "/api/v1/keys",
              "Create a client key; the secret is returned once",
              "KeyCreate",
              201,
              "KeyCreated"),
          op("get", "/api/v1/keys/{id}", "Read a client key", null, 200, "Key"),
          op("patch", "/api/v1/keys/{id}", "Update a client key", "KeyPatch", 200, "Key"),
          op("delete", "/api/v1/keys/{id}", "Delete a client key", null, 204, null),
          op("post", "/api/v1/keys/{id}/revoke", "Revoke a client key", null, 200, "Key"),
          list("/api/v1/quotas", "List quotas", "Quota", "scope", "scope_id", "model"),
          op("post", "/api/v1/quotas", "Create a quota", "QuotaCreate", 201, "Quota"),
          op("get", "/api/v1/quotas/{id}", "Read a quota", null, 200, "Quota"),
          op("patch", "/api/v1/quotas/{id}", "Update a quota", "QuotaPatch", 200, "Quota"),
          op("delete", "/api/v1/quotas/{id}", "Delete a quota", null, 204, null),
          op("get", "/api/v1/fleets", "List fleets and unassigned nodes", null, 200, "FleetList"),
          op("post", "/api/v1/fleets", "Create a fleet", "FleetCreate", 201, "Fleet"),
          op(
              "get",
              "/api/v1/fleets/{id}",
              "Read a fleet (id or name) with its nodes",
              null,
              200,
              "Fleet"),
          op(
              "patch",
              "/api/v1/fleets/{id}",
              "Change a fleet's listener port",
              "FleetPatch",
              200,
              "Fleet"),
          op("delete", "/api/v1/fleets/{id}", "Delete a fleet (not default)", null, 204, null),
          op(
              "get",
              "/api/v1/fleets/{name}/bootstrap",
              "Envoy bootstrap (text/yaml) for a fleet",
              null,
              200,
              null),
          list(
              "/api/v1/audit",
              "List audit entries",
              "AuditEntry",
              "resource_type",
              "resource_id",
              "actor",
              "action",
              "from",
              "to"),
          new Operation(
              "get",
              "/api/v1/usage",
              "Usage over time from the hourly rollups, grouped by key, team, model or provider",
              null,
              200,
              "UsageReport",
              List.of("group_by", "granularity", "from", "to", "key", "team", "model", "provider")),
          list(
              "/api/v1/usage/requests",
              "The per-request usage ledger",
              "UsageRequest",
              "key",
              "team",
              "model",
              "provider",
              "status",
              "from",
              "to"),
          list("/api/v1/admin-tokens", "List admin tokens", "AdminToken"),
          op(
              "post",
              "/api/v1/admin-tokens",
              "Create an admin token; the token is returned once",
              "AdminTokenCreate",
              201,
              "AdminTokenCreated"),
          op("delete", "/api/v1/admin-tokens/{id}", "Revoke an admin token", null, 204, null));

  private static Operation op(
      String method,
      String path,
      String summary,
      @Nullable String request,
      int status,
      @Nullable String response) {
    return new Operation(method, path, summary, request, status, response, List.of());
  }

  private static Operation list(String path, String summary, String item, String... filters) {
    List<String> query = new java.util.ArrayList<>(PAGING);
    query.addAll(List.of(filters));
    return new Operation("get", path, summary, null, 200, "List:" + item, query);
  }

  /** Builds the document. */
  public static ObjectNode build(ObjectMapper mapper) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("openapi", "3.1.0");
    doc.putObject("info")
        .put("title", "AI Gateway admin API")
        .put("version", "1")
        .put("description", "See docs/admin-api.md. Errors are RFC 9457 problem+json.");
    doc.putArray("servers").addObject().put("url", "/");
    doc.putArray("security").addObject().putArray("bearer");
    ObjectNode paths = doc.putObject("paths");
    for (Operation o : OPERATIONS) {
      ObjectNode pathItem =
          paths.has(o.path()) ? (ObjectNode) paths.get(o.path()) : paths.putObject(o.path());
      ObjectNode operation = pathItem.putObject(o.method());
      operation.put("summary", o.summary());
      operation.put("operationId", o.method() + o.path().replaceAll("[^A-Za-z0-9]+", "_"));
      ArrayNode params = operation.putArray("parameters");
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\\{([a-z_]+)}").matcher(o.path());
      while (m.find()) {
        params
            .addObject()
            .put("name", m.group(1))
            .put("in", "path")
            .put("required", true)
            .set("schema", mapper.createObjectNode().put("type", "string"));
      }
      for (String q : o.query()) {
        params
            .addObject()
            .put("name", q)
            .put("in", "query")
            .put("required", false)
            .set(
                "schema",
                mapper
                    .createObjectNode()
                    .put("type", q.equals("limit") || q.equals("offset") ? "integer" : "string"));
      }
      if (o.requestSchema() != null) {
        operation
            .putObject("requestBody")
            .put("required", true)
            .putObject("content")
            .putObject("application/json")
            .set("schema", ref(mapper, o.requestSchema()));
      }
      ObjectNode responses = operation.putObject("responses");
      ObjectNode ok = responses.putObject(Integer.toString(o.status()));
      ok.put("description", o.status() == 204 ? "No Content" : "OK");
      if (o.path().endsWith("/bootstrap")) {
        ok.putObject("content").putObject("text/yaml").putObject("schema").put("type", "string");
      } else if (o.path().endsWith("openapi.json")) {
        ok.putObject("content")
            .putObject("application/json")
            .putObject("schema")
            .put("type", "object");
      } else if (o.responseSchema() != null) {
        ok.putObject("content")
            .putObject("application/json")
            .set("schema", responseSchema(mapper, o));
      }
      for (String code : List.of("400", "401", "403", "404", "409", "422")) {
        responses
            .putObject(code)
            .put("description", "Problem")
            .putObject("content")
            .putObject("application/problem+json")
            .set("schema", ref(mapper, "Problem"));
      }
    }
    ObjectNode components = doc.putObject("components");
    components
        .putObject("securitySchemes")
        .putObject("bearer")
        .put("type", "http")
        .put("scheme", "bearer");
    components.set("schemas", OpenApiSchemas.all(mapper));
    return doc;
  }

  private static ObjectNode responseSchema(ObjectMapper mapper, Operation o) {
    if (!o.responseSchema().startsWith("List:")) {
      return ref(mapper, o.responseSchema());
    }
    ObjectNode list = mapper.createObjectNode().put("type", "object");
    ObjectNode props = list.putObject("properties");
    props
        .putObject("items")
        .put("type", "array")
        .set("items", ref(mapper, o.responseSchema().substring(5)));
    props.putObject("total").put("type", "integer");
    props.putObject("limit").put("type", "integer");
    props.putObject("offset").put("type", "integer");
    return list;
  }

  static ObjectNode ref(ObjectMapper mapper, String schema) {
    return mapper.createObjectNode().put("$ref", "#/components/schemas/" + schema);
  }
}
