package dev.aigateway.db.usage;

import org.jspecify.annotations.Nullable;

/**
 * A ledger entry as the API shows it, with the key's name and the team's name.
 *
 * @param attempts how many attempts the entry's request took (its highest attempt number), null
 *     when unknown
 */
public record LedgerRow(
    LedgerEntry entry,
    @Nullable String keyName,
    @Nullable String teamName,
    @Nullable Integer attempts) {

  public LedgerRow(LedgerEntry entry, @Nullable String keyName, @Nullable String teamName) {
    this(entry, keyName, teamName, null);
  }
}
