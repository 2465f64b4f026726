package dev.aigateway.controlplane.xds;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where the Envoy config being served came from.
 *
 * @param revision the config revision it was built from
 * @param fromDatabase true when read from the database by this process, false when from the last
 *     good state on disk
 * @param savedAt for a state from disk: when it was read from the database and written
 */
public record ConfigSource(long revision, boolean fromDatabase, @Nullable Instant savedAt) {
  /** For {@code /readyz} and logs: "revision 7" or "last-good snapshot from ..., revision 7". */
  public String describe() {
    return fromDatabase
        ? "revision " + revision
        : "last-good snapshot from " + savedAt + ", revision " + revision;
  }
}
