package dev.aigateway.controlplane.lastgood;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.xds.XdsState;
import java.nio.file.Path;
import java.time.Instant;

/** What {@link LastGoodXdsFile#load} found. */
public sealed interface LastGood {
  /** The file it looked at. */
  Path file();

  /** No state was ever saved in this data directory. */
  record Absent(Path file) implements LastGood {}

  /**
   * A state that opened with the configured key.
   *
   * @param savedAt when it was read from the database and written
   */
  record Loaded(Path file, XdsState state, Instant savedAt) implements LastGood {
    public Loaded {
      requireNonNull(state, "state");
      requireNonNull(savedAt, "savedAt");
    }
  }

  /**
   * A file that exists but cannot be used: altered, sealed with another key, or another format.
   *
   * @param reason completes "the last good xDS state FILE ...", names no secret
   */
  record Unusable(Path file, String reason) implements LastGood {}
}
