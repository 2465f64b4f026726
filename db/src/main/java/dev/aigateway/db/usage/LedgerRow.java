package dev.aigateway.db.usage;

import org.jspecify.annotations.Nullable;

/** A ledger entry as the API shows it, with the key's name and the team's name. */
public record LedgerRow(LedgerEntry entry, @Nullable String keyName, @Nullable String teamName) {}
