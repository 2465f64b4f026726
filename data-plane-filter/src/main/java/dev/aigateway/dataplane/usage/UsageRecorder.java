package dev.aigateway.dataplane.usage;

/**
 * Receives one {@link UsageRecord} per finished request. Called on the ext_proc's gRPC threads, so
 * implementations must not block (queue and write elsewhere).
 */
@FunctionalInterface
public interface UsageRecorder {
  void record(UsageRecord record);
}
