package dev.aigateway.dataplane.config;

import java.util.Optional;

/**
 * The last snapshot loaded from the store, kept where the data plane can read it back when the
 * store is unreachable at start (a sealed file in the data directory in production).
 */
public interface LastGoodConfig {

  /** Keeps nothing: a data plane that starts while the store is down waits for it. */
  LastGoodConfig NONE =
      new LastGoodConfig() {
        @Override
        public void save(ConfigSnapshot snapshot) {}

        @Override
        public Optional<ConfigSnapshot> read() {
          return Optional.empty();
        }
      };

  /** Replaces what is kept with {@code snapshot}; a failure is logged, never thrown. */
  void save(ConfigSnapshot snapshot);

  /**
   * What was kept, if it can be trusted; a missing, altered or unreadable copy is empty (and logged
   * once by the implementation).
   */
  Optional<ConfigSnapshot> read();
}
