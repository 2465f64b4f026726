package dev.aigateway.dataplane.store.postgres;

import static dev.aigateway.db.jooq.Tables.API_KEYS;
import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS;
import static dev.aigateway.db.jooq.Tables.QUOTAS;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.quota.Prices;
import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.quota.QuotaRule;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.secret.SecretException;
import dev.aigateway.vocabulary.key.KeyHash;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one consistent {@link ConfigSnapshot} from the configuration tables (keys, models,
 * providers with their decrypted credentials, quotas and prices) through the jOOQ records.
 */
final class ConfigReader {
  private static final Logger log = LoggerFactory.getLogger(ConfigReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SecretCipher cipher;

  ConfigReader(SecretCipher cipher) {
    this.cipher = requireNonNull(cipher, "cipher");
  }

  /** Loads everything in one repeatable-read transaction so the snapshot is consistent. */
  ConfigSnapshot load(DSLContext dsl) {
    return dsl.transactionResult(
        tx -> {
          DSLContext db = tx.dsl();
          db.execute("set transaction isolation level repeatable read read only");
          long revision = ConfigRevisions.current(db);
          Map<UUID, List<UpstreamCredential>> credentials = loadCredentials(db);
          Map<UUID, ProviderConfig> providers = new HashMap<>();
          for (var r : db.selectFrom(PROVIDERS).fetch()) {
            providers.put(
                r.getId(),
                new ProviderConfig(
                    r.getId(),
                    r.getName(),
                    ProviderSchema.fromWire(r.getSchema()).orElse(null),
                    r.getSchema(),
                    r.getBaseUrl(),
                    ProviderConfig.pathPrefixOf(r.getBaseUrl()),
                    settings(r.getSettings()),
                    credentials.getOrDefault(r.getId(), List.of())));
          }
          Map<UUID, List<ModelTarget>> targets = new HashMap<>();
          for (var t : db.selectFrom(MODEL_TARGETS).orderBy(MODEL_TARGETS.POSITION).fetch()) {
            ProviderConfig provider = providers.get(t.getProviderId());
            if (provider != null) {
              targets
                  .computeIfAbsent(t.getModelId(), id -> new ArrayList<>())
                  .add(
                      new ModelTarget(
                          provider,
                          t.getUpstreamModel(),
                          t.getWeight(),
                          t.getPriority(),
                          t.getId().toString()));
            }
          }
          Map<String, ModelConfig> models = new LinkedHashMap<>();
          Map<String, Prices> prices = new HashMap<>();
          for (var m : db.selectFrom(MODELS).orderBy(MODELS.NAME).fetch()) {
            prices.put(
                m.getName(),
                new Prices(
                    m.getInputPerMillion(), m.getOutputPerMillion(), m.getCachedInputPerMillion()));
            models.put(
                m.getName(),
                ModelConfig.of(
                    m.getId(),
                    m.getName(),
                    m.getCreatedAt().toEpochSecond(),
                    targets.getOrDefault(m.getId(), List.of())));
          }
          Map<String, ClientKey> keys = new HashMap<>();
          for (var k : db.selectFrom(API_KEYS).fetch()) {
            keys.put(
                KeyHash.hex(k.getKeyHash()),
                new ClientKey(
                    k.getId(),
                    k.getName(),
                    k.getTeamId(),
                    k.getPrefix(),
                    Set.of(k.getAllowedModels()),
                    instant(k.getExpiresAt()),
                    instant(k.getRevokedAt())));
          }
          Map<String, ProviderConfig> byName = new HashMap<>();
          providers.values().forEach(p -> byName.put(p.name(), p));
          Map<String, UUID> providerIds = new HashMap<>();
          providers.values().forEach(p -> providerIds.put(p.name(), p.id()));
          return new ConfigSnapshot(
              revision,
              byName,
              models,
              keys,
              new QuotaConfig(revision, quotas(db), prices, providerIds));
        });
  }

  private static List<QuotaRule> quotas(DSLContext db) {
    List<QuotaRule> rules = new ArrayList<>();
    for (var q : db.selectFrom(QUOTAS).fetch()) {
      try {
        QuotaMetric metric = QuotaMetric.of(q.getMetric());
        rules.add(
            new QuotaRule(
                q.getId(),
                QuotaRule.Scope.of(q.getScope()),
                q.getScopeId(),
                q.getModel(),
                metric,
                QuotaWindow.of(q.getTimeWindow()),
                metric.toUnits(q.getLimitValue())));
      } catch (IllegalArgumentException | ArithmeticException e) {
        // The admin API validates quotas; a bad row must not disable every other quota.
        log.error("ignoring invalid quota {}: {}", q.getId(), e.getMessage());
      }
    }
    return rules;
  }

  private Map<UUID, List<UpstreamCredential>> loadCredentials(DSLContext db) {
    Map<UUID, List<UpstreamCredential>> result = new HashMap<>();
    for (var c :
        db.selectFrom(PROVIDER_CREDENTIALS)
            .orderBy(PROVIDER_CREDENTIALS.PROVIDER_ID, PROVIDER_CREDENTIALS.POSITION)
            .fetch()) {
      try {
        byte[] plain =
            cipher.open(
                new SecretCipher.Sealed(c.getKeyId(), c.getCiphertext()), c.getId().toString());
        Map<String, String> secrets =
            JSON.readValue(plain, new TypeReference<Map<String, @Nullable String>>() {});
        Map<String, String> nonNull = new HashMap<>();
        secrets.forEach(
            (k, v) -> {
              if (v != null) {
                nonNull.put(k, v);
              }
            });
        CredentialKind kind = CredentialKind.fromWire(c.getKind()).orElse(null);
        if (kind == null) {
          log.error(
              "provider credential {} has kind {}, unknown to this version, and is skipped",
              c.getId(),
              c.getKind());
          continue;
        }
        result
            .computeIfAbsent(c.getProviderId(), id -> new ArrayList<>())
            .add(new UpstreamCredential(c.getId(), kind, c.getHint(), nonNull));
      } catch (SecretException | IOException e) {
        // The message of either never holds secret material.
        log.error("provider credential {} is unusable and skipped: {}", c.getId(), e.getMessage());
      }
    }
    return result;
  }

  private static Map<String, String> settings(@Nullable JSONB settings) {
    Map<String, String> result = new HashMap<>();
    if (settings == null) {
      return result;
    }
    try {
      JsonNode node = JSON.readTree(settings.data());
      node.properties()
          .forEach(
              e -> {
                if (!e.getValue().isNull()) {
                  result.put(e.getKey(), e.getValue().asText());
                }
              });
    } catch (IOException e) {
      log.warn("provider settings are not valid JSON and are ignored");
    }
    return result;
  }

  private static java.time.@Nullable Instant instant(@Nullable OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
