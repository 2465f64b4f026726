package dev.aigateway.controlplane.admin.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.db.Database;
import dev.aigateway.db.audit.AuditRepository;
import dev.aigateway.db.change.ConfigRevisions;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Runs one admin write as one transaction that also records exactly one audit entry and advances
 * the config revision (whose {@code NOTIFY} is delivered at commit). A failure anywhere rolls all
 * of it back.
 */
public final class Writes {
  private final Database database;
  private final ObjectMapper mapper;

  public Writes(Database database, ObjectMapper mapper) {
    this.database = database;
    this.mapper = mapper;
  }

  /** The transaction of one write and its audit entry. */
  public final class Change {
    private final DSLContext tx;
    private final Principal actor;
    private boolean audited;

    private Change(DSLContext tx, Principal actor) {
      this.tx = tx;
      this.actor = actor;
    }

    public DSLContext tx() {
      return tx;
    }

    /**
     * Records the change; {@code before} and {@code after} are API views (which never hold
     * secrets), serialised like responses.
     */
    public void audit(
        String action,
        String resourceType,
        @Nullable Object resourceId,
        @Nullable Object before,
        @Nullable Object after) {
      if (audited) {
        throw new IllegalStateException("one audit entry per write");
      }
      audited = true;
      AuditRepository.append(
          tx,
          actor.name(),
          action,
          resourceType,
          resourceId == null ? null : resourceId.toString(),
          before == null ? null : mapper.valueToTree(before),
          after == null ? null : mapper.valueToTree(after));
    }
  }

  public <T> T run(Principal actor, Function<Change, T> work) {
    return database
        .dsl()
        .transactionResult(
            cfg -> {
              Change change = new Change(cfg.dsl(), actor);
              T result = work.apply(change);
              if (!change.audited) {
                throw new IllegalStateException("a write did not record its audit entry");
              }
              ConfigRevisions.bump(change.tx);
              return result;
            });
  }
}
