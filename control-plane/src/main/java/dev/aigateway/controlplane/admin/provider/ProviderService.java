package dev.aigateway.controlplane.admin.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.Page;
import dev.aigateway.db.Ref;
import dev.aigateway.db.provider.CredentialInfo;
import dev.aigateway.db.provider.Provider;
import dev.aigateway.db.provider.ProviderRepository;
import dev.aigateway.db.quota.QuotaRepository;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/** Provider rules: names, schemas, settings per schema, and sealing of credentials. */
public final class ProviderService {
  static final int MAX_CREDENTIALS = 16;
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final Writes writes;
  private final SecretCipher cipher;

  private final UpstreamAddressPolicy addresses;

  /** A service that refuses private provider addresses. */
  public ProviderService(Writes writes, SecretCipher cipher) {
    this(writes, cipher, new UpstreamAddressPolicy(false));
  }

  UpstreamAddressPolicy addressPolicy() {
    return addresses;
  }

  /** A service that refuses provider base URLs as {@code addresses} says. */
  public ProviderService(Writes writes, SecretCipher cipher, UpstreamAddressPolicy addresses) {
    this.addresses = addresses;
    this.writes = writes;
    this.cipher = cipher;
  }

  /** Finds a provider by id or name, or 404. */
  public static Provider resolve(DSLContext dsl, String idOrName) {
    return Requests.uuid(idOrName)
        .flatMap(id -> ProviderRepository.find(dsl, id))
        .or(() -> ProviderRepository.findByName(dsl, idOrName))
        .orElseThrow(() -> ApiProblem.notFound("no such provider"));
  }

  public Page<Provider> list(
      DSLContext dsl, @Nullable String schema, @Nullable String q, int limit, int offset) {
    return ProviderRepository.list(dsl, schema, q, limit, offset);
  }

  Provider create(Principal actor, ProviderRequests.Create in) {
    Validation v = new Validation();
    v.resourceName("name", in.name());
    ProviderSchema schema = schema(v, in.schema());
    if (v.baseUrl("base_url", in.baseUrl())) {
      checkAddress(v, in.baseUrl());
    }
    Map<String, String> settings = settings(v, schema, in.settings());
    List<PlainCredential> credentials = credentials(v, schema, in.credentials());
    v.throwIfInvalid();
    return writes.run(
        actor,
        change -> {
          UUID id = UUID.randomUUID();
          ProviderRepository.insert(
              change.tx(), id, in.name(), schema.wire(), in.baseUrl(), settings);
          for (PlainCredential credential : credentials) {
            seal(change.tx(), id, credential);
          }
          Provider created = ProviderRepository.find(change.tx(), id).orElseThrow();
          change.audit("create", "provider", id, null, created);
          return created;
        });
  }

  Provider update(
      Principal actor, String idOrName, Requests.Body<ProviderRequests.Patch> body, long expected) {
    ProviderRequests.Patch in = body.value();
    return writes.run(
        actor,
        change -> {
          Provider current = lock(change.tx(), idOrName);
          if (current.version() != expected) {
            throw ApiProblem.staleVersion(expected, current.version());
          }
          ProviderSchema schema = ProviderSchema.fromWire(current.schema()).orElseThrow();
          Validation v = new Validation();
          String name = body.has("name") ? in.name() : current.name();
          String baseUrl = body.has("base_url") ? in.baseUrl() : current.baseUrl();
          v.resourceName("name", name);
          if (v.baseUrl("base_url", baseUrl) && !baseUrl.equals(current.baseUrl())) {
            checkAddress(v, baseUrl);
            if (!body.has("credentials") && !current.credentials().isEmpty()) {
              // Otherwise whoever may edit providers could send the stored keys anywhere.
              v.add(
                  "credentials",
                  "must be given again when base_url changes: stored credentials are not sent to"
                      + " a new address");
            }
          }
          Map<String, String> settings =
              settings(v, schema, body.has("settings") ? in.settings() : current.settings());
          List<PlainCredential> credentials =
              body.has("credentials") ? credentials(v, schema, in.credentials()) : null;
          v.throwIfInvalid();
          ProviderRepository.update(change.tx(), current.id(), name, baseUrl, settings);
          if (credentials != null) {
            ProviderRepository.deleteCredentials(change.tx(), current.id());
            for (PlainCredential credential : credentials) {
              seal(change.tx(), current.id(), credential);
            }
          }
          Provider updated = ProviderRepository.find(change.tx(), current.id()).orElseThrow();
          change.audit("update", "provider", current.id(), current, updated);
          return updated;
        });
  }

  void delete(Principal actor, String idOrName) {
    writes.run(
        actor,
        change -> {
          Provider current = lock(change.tx(), idOrName);
          List<Ref> models = ProviderRepository.modelsTargeting(change.tx(), current.id());
          if (!models.isEmpty()) {
            throw ApiProblem.referenced(
                "provider "
                    + current.name()
                    + " is still targeted by models: "
                    + String.join(", ", models.stream().map(Ref::name).toList()),
                models);
          }
          List<Ref> quotas = QuotaRepository.scopedTo(change.tx(), "provider", current.id());
          if (!quotas.isEmpty()) {
            throw ApiProblem.referenced("the provider still has quotas", quotas);
          }
          ProviderRepository.delete(change.tx(), current.id());
          change.audit("delete", "provider", current.id(), current, null);
          return null;
        });
  }

  CredentialInfo addCredential(Principal actor, String idOrName, CredentialInput in) {
    return writes.run(
        actor,
        change -> {
          Provider current = lock(change.tx(), idOrName);
          ProviderSchema schema = ProviderSchema.fromWire(current.schema()).orElseThrow();
          Validation v = new Validation();
          PlainCredential credential = Credentials.validate(v, "", in, schema);
          if (current.credentials().size() >= MAX_CREDENTIALS) {
            v.add("$", "a provider has at most " + MAX_CREDENTIALS + " credentials");
          }
          v.throwIfInvalid();
          UUID credentialId = seal(change.tx(), current.id(), credential);
          ProviderRepository.touch(change.tx(), current.id());
          Provider updated = ProviderRepository.find(change.tx(), current.id()).orElseThrow();
          change.audit("add_credential", "provider", current.id(), current, updated);
          return updated.credentials().stream()
              .filter(c -> c.id().equals(credentialId))
              .findFirst()
              .orElseThrow();
        });
  }

  void deleteCredential(Principal actor, String idOrName, UUID credentialId) {
    writes.run(
        actor,
        change -> {
          Provider current = lock(change.tx(), idOrName);
          if (!ProviderRepository.deleteCredential(change.tx(), current.id(), credentialId)) {
            throw ApiProblem.notFound("no such credential");
          }
          ProviderRepository.touch(change.tx(), current.id());
          Provider updated = ProviderRepository.find(change.tx(), current.id()).orElseThrow();
          change.audit("delete_credential", "provider", current.id(), current, updated);
          return null;
        });
  }

  private void checkAddress(Validation v, String baseUrl) {
    String problem = addresses.problem(baseUrl);
    if (problem != null) {
      v.add("base_url", problem);
    }
  }

  private static Provider lock(DSLContext tx, String idOrName) {
    Provider found = resolve(tx, idOrName);
    return ProviderRepository.lock(tx, found.id())
        .orElseThrow(() -> ApiProblem.notFound("no such provider"));
  }

  private UUID seal(DSLContext tx, UUID providerId, PlainCredential credential) {
    UUID id = UUID.randomUUID();
    byte[] json;
    try {
      json = PLAIN.writeValueAsBytes(credential.secretFields());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("credential fields cannot be written as JSON");
    }
    SecretCipher.Sealed sealed = cipher.seal(json, id.toString());
    java.util.Arrays.fill(json, (byte) 0);
    ProviderRepository.addCredential(
        tx, providerId, id, credential.kind().wire(), credential.hint(), sealed);
    return id;
  }

  private static @Nullable ProviderSchema schema(Validation v, @Nullable String schema) {
    if (!v.oneOf("schema", schema, ProviderSchema.wireNames())) {
      return null;
    }
    return ProviderSchema.fromWire(schema).orElseThrow();
  }

  private static Map<String, String> settings(
      Validation v, @Nullable ProviderSchema schema, @Nullable Map<String, String> settings) {
    Map<String, String> result = new TreeMap<>(settings == null ? Map.of() : settings);
    if (schema == null) {
      return result;
    }
    for (Map.Entry<String, String> e : result.entrySet()) {
      String field = "settings." + Validation.echoableName(e.getKey());
      if (e.getKey().equals("base_path")) {
        // Removed when base URLs took the OpenAI SDK's form (V32 folded stored values in).
        v.add(field, "is no longer a setting: put the API root in base_url, e.g. http://host/v1");
      } else if (!schema.allowsSetting(e.getKey())) {
        v.add(field, "is not a setting of schema " + schema.wire());
      } else if (e.getKey().equals("authority_host")) {
        v.baseUrl(field, e.getValue());
      } else if (e.getKey().equals(CaBundle.SETTING)) {
        CaBundle.validate(v, field, e.getValue());
      } else if (e.getKey().equals("responses_api")
          && !e.getValue().equals("true")
          && !e.getValue().equals("false")) {
        // The data plane passes /v1/responses through only to servers that declare it.
        v.add(field, "must be true or false");
      } else {
        v.text(field, e.getValue(), 256);
      }
    }
    for (String required : schema.requiredSettings()) {
      if (!result.containsKey(required)) {
        v.add("settings." + required, "is required for schema " + schema.wire());
      }
    }
    return result;
  }

  private static List<PlainCredential> credentials(
      Validation v, @Nullable ProviderSchema schema, @Nullable List<CredentialInput> inputs) {
    List<PlainCredential> result = new ArrayList<>();
    if (inputs == null || schema == null) {
      return result;
    }
    if (inputs.size() > MAX_CREDENTIALS) {
      v.add("credentials", "must have at most " + MAX_CREDENTIALS + " items");
      return result;
    }
    for (int i = 0; i < inputs.size(); i++) {
      PlainCredential credential =
          Credentials.validate(v, "credentials[" + i + "]", inputs.get(i), schema);
      if (credential != null) {
        result.add(credential);
      }
    }
    return result;
  }

  /** The plaintext secret fields of a stored credential (for the connectivity test only). */
  Map<String, Object> open(dev.aigateway.db.provider.SealedCredential sealed) {
    byte[] json = cipher.open(sealed.sealed(), sealed.id().toString());
    try {
      return PLAIN.readValue(
          new String(json, StandardCharsets.UTF_8),
          new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored credential is not valid JSON");
    }
  }
}
