package dev.aigateway.dataplane.credential;

import java.util.UUID;

/**
 * Where credential failures are reported for the console (the database in production). Called once
 * per change of state, never per request; {@code reason} names no secret.
 */
public interface CredentialStatusSink {
  CredentialStatusSink NONE =
      new CredentialStatusSink() {
        @Override
        public void failing(UUID credentialId, String reason) {}

        @Override
        public void recovered(UUID credentialId) {}
      };

  void failing(UUID credentialId, String reason);

  void recovered(UUID credentialId);
}
