package dev.aigateway.controlplane.xds;

import dev.aigateway.db.model.Failover;
import java.util.List;

/** Models over {@link SnapshotAssemblerTest#SEVERAL_PROVIDERS} that fail over across schemas. */
final class FailoverModels {
  private FailoverModels() {}

  static final Failover FAST =
      new Failover(List.of("connect-failure", "reset", "gateway-error", "429"), 4, 1500, 10, 100);

  static final List<XdsState.Model> MODELS =
      List.of(
          // OpenAI first (two weighted targets), then Anthropic, then a plaintext vLLM by IP.
          new XdsState.Model(
              "chat",
              Failover.DEFAULTS,
              List.of(
                  new XdsState.Target("t-openai", "openai", "gpt-4o-mini", 3, 0),
                  new XdsState.Target("t-azure", "azure-eu", "gpt-4o-mini", 1, 0),
                  new XdsState.Target("t-claude", "anthropic", "claude-haiku-4-5", 1, 5),
                  new XdsState.Target("t-vllm", "vllm", "llama", 1, 9),
                  new XdsState.Target("t-off", "gemini", "gemini-2.5-flash", 0, 0))),
          new XdsState.Model(
              "bedrock-first",
              FAST,
              List.of(
                  new XdsState.Target("t-bedrock", "bedrock", "anthropic.claude", 1, 0),
                  new XdsState.Target("t-vertex", "vertex", "claude", 1, 1))),
          new XdsState.Model(
              "local-only",
              new Failover(List.of(), 1, 0, 25, 250),
              List.of(new XdsState.Target("t-local", "vllm", "llama", 1, 0))));
}
