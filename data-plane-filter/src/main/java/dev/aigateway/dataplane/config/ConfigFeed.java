package dev.aigateway.dataplane.config;

import dev.aigateway.dataplane.error.StoreException;
import java.util.function.LongConsumer;

/**
 * Where the data plane's configuration comes from (PostgreSQL in production): one consistent
 * snapshot per load, and a signal when the revision may have moved.
 */
public interface ConfigFeed {

  /**
   * Reads every part of the configuration at one revision.
   *
   * @throws StoreException when the store is unreachable or cannot serve this version yet (an older
   *     schema); the caller keeps what it has and tries again on the next signal
   */
  ConfigSnapshot load() throws StoreException;

  /**
   * Calls {@code onRevision} with the store's revision whenever it may have changed, after every
   * reconnection, and periodically; {@link AutoCloseable#close} stops it.
   */
  AutoCloseable watch(LongConsumer onRevision);
}
