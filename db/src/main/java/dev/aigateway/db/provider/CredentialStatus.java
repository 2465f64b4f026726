package dev.aigateway.db.provider;

import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIAL_STATUS;

import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@code provider_credential_status}: credentials the data plane currently cannot use. */
public final class CredentialStatus {
  private CredentialStatus() {}

  /** Records that a credential fails; keeps the first failure's time. */
  public static void failing(DSLContext dsl, UUID credentialId, String error) {
    // The credential may have been deleted meanwhile: then there is nothing to report.
    dsl.insertInto(PROVIDER_CREDENTIAL_STATUS)
        .select(
            dsl.select(DSL.val(credentialId), DSL.val(error), DSL.currentOffsetDateTime())
                .whereExists(
                    dsl.selectOne()
                        .from(PROVIDER_CREDENTIALS)
                        .where(PROVIDER_CREDENTIALS.ID.eq(credentialId))))
        .onConflict(PROVIDER_CREDENTIAL_STATUS.CREDENTIAL_ID)
        .doUpdate()
        .set(PROVIDER_CREDENTIAL_STATUS.ERROR, error)
        .execute();
  }

  public static void recovered(DSLContext dsl, UUID credentialId) {
    dsl.deleteFrom(PROVIDER_CREDENTIAL_STATUS)
        .where(PROVIDER_CREDENTIAL_STATUS.CREDENTIAL_ID.eq(credentialId))
        .execute();
  }
}
