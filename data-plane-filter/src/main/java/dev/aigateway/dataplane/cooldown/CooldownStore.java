package dev.aigateway.dataplane.cooldown;

import dev.aigateway.dataplane.error.StoreException;
import java.util.List;

/** The port {@link CooldownWriter} stores notices through (PostgreSQL in production). */
public interface CooldownStore {

  /**
   * Stores {@code notices}, each lengthening a stored cooldown of its target or starting one; a
   * notice for a target that no longer exists is skipped.
   *
   * @return how many were stored
   * @throws StoreException the store is unreachable or refused the batch
   */
  int store(List<CooldownNotice> notices) throws StoreException;
}
