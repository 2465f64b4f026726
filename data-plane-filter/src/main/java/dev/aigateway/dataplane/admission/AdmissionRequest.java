package dev.aigateway.dataplane.admission;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a quota pre-check knows about a request once its key and model are resolved.
 *
 * @param estimatedInputTokens prompt tokens counted with the model's tokenizer (an estimate)
 * @param maxOutputTokens the client's {@code max_tokens}/{@code max_completion_tokens}, if any
 */
public record AdmissionRequest(
    String requestId,
    UUID keyId,
    UUID teamId,
    String model,
    String provider,
    String upstreamModel,
    long estimatedInputTokens,
    @Nullable Long maxOutputTokens) {}
