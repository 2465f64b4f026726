package dev.aigateway.controlplane.admin;

import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.Hashes;
import java.security.SecureRandom;
import java.util.List;

/** A real control plane on ephemeral ports with a known admin token, for HTTP tests. */
public final class AdminServer implements AutoCloseable {
  public final ControlPlane controlPlane;
  public final String adminToken;
  public final byte[] secretKey;

  private AdminServer(ControlPlane controlPlane, String adminToken, byte[] secretKey) {
    this.controlPlane = controlPlane;
    this.adminToken = adminToken;
    this.secretKey = secretKey;
  }

  public static AdminServer start(Database db) {
    String token = Hashes.newToken("gw-admin-", 32);
    Transcript.secret(token, "admin token");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return start(db, token, key, new ControlPlaneSecurity(null, null, null, true));
  }

  /** A control plane with {@code security}; the default one lets tests use loopback providers. */
  public static AdminServer start(Database db, ControlPlaneSecurity security) {
    String token = Hashes.newToken("gw-admin-", 32);
    Transcript.secret(token, "admin token");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return start(db, token, key, security);
  }

  private static AdminServer start(
      Database db, String token, byte[] key, ControlPlaneSecurity security) {
    ControlPlane cp =
        ControlPlane.start(
            new ControlPlaneSettings(
                    "127.0.0.1", 0, 0, "127.0.0.1", 18001, token, "test-replica", key, List.of())
                .withSecurity(security),
            db,
            Metrics.newRegistry());
    return new AdminServer(cp, token, key);
  }

  public AdminClient client() {
    return new AdminClient(controlPlane.adminPort(), adminToken);
  }

  @Override
  public void close() {
    controlPlane.close();
  }
}
