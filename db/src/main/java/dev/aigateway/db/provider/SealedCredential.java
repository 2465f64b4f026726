package dev.aigateway.db.provider;

import dev.aigateway.db.secret.SecretCipher;
import java.util.UUID;

/**
 * A stored credential with its ciphertext ({@code SecretCipher.seal(json, id.toString())}, see
 * docs/contracts.md).
 */
public record SealedCredential(
    UUID id, UUID providerId, String kind, String hint, SecretCipher.Sealed sealed, int position) {}
