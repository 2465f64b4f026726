package dev.aigateway.launcher;

import dev.aigateway.controlplane.ops.Readiness;
import dev.aigateway.controlplane.outage.DatabaseMonitor;
import dev.aigateway.dataplane.ExtProcServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /readyz} of {@code gateway ext-proc}: ready while it serves known keys, also from its last
 * good configuration while the database is down (then degraded, still 200); not ready only while it
 * has no configuration at all.
 */
final class ExtProcReadiness {
  private ExtProcReadiness() {}

  static Readiness of(ExtProcServer extProc, DatabaseMonitor database, MeterRegistry registry) {
    long revision = extProc.configRevision();
    if (revision == 0) {
      return new Readiness(
          Readiness.State.NOT_READY, Map.of("config", "none yet: refusing requests"));
    }
    DatabaseMonitor.Status db = database.status();
    boolean lastGood = extProc.servingLastGoodConfig();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("database", db.reachable() ? "reachable" : "unreachable since " + db.since());
    details.put(
        "config", lastGood ? "last-good snapshot, revision " + revision : "revision " + revision);
    Gauge spool = registry.find("gateway.usage.spool.depth").gauge();
    if (spool != null) {
      details.put("spool", (long) spool.value());
    }
    return new Readiness(
        db.reachable() && !lastGood ? Readiness.State.READY : Readiness.State.DEGRADED, details);
  }
}
