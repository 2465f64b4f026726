package dev.aigateway.dataplane.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What one request used, handed to the {@link UsageRecorder} once per request.
 *
 * @param keyId null when the request was refused before its key was known
 * @param model the public model name the client asked for (null if it never got that far)
 * @param usage tokens reported by the provider (zero when it reported none)
 * @param usageReported true when the provider reported usage, false when it is unknown
 * @param status the HTTP status the client saw (0 when the exchange broke before a response)
 * @param timeToFirstToken null unless a streamed response delivered a first chunk
 * @param inputApi the API the client called ({@code chat}, {@code responses}, {@code messages},
 *     ...; {@code Endpoint.inputApi}), null when the path was none of them
 */
public record UsageRecord(
    Instant time,
    String requestId,
    @Nullable UUID keyId,
    @Nullable UUID teamId,
    @Nullable String model,
    @Nullable String provider,
    @Nullable String upstreamModel,
    TokenUsage usage,
    boolean usageReported,
    int status,
    Duration latency,
    @Nullable Duration timeToFirstToken,
    boolean streamed,
    @Nullable String inputApi) {

  /** A record whose input API is unknown. */
  public UsageRecord(
      Instant time,
      String requestId,
      @Nullable UUID keyId,
      @Nullable UUID teamId,
      @Nullable String model,
      @Nullable String provider,
      @Nullable String upstreamModel,
      TokenUsage usage,
      boolean usageReported,
      int status,
      Duration latency,
      @Nullable Duration timeToFirstToken,
      boolean streamed) {
    this(
        time,
        requestId,
        keyId,
        teamId,
        model,
        provider,
        upstreamModel,
        usage,
        usageReported,
        status,
        latency,
        timeToFirstToken,
        streamed,
        null);
  }
}
