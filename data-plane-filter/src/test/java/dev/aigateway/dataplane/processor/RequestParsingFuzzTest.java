package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.InMemoryGateway.immediateStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.usage.UsageSource;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * The fuzz suite's request side (docs/security.md): client request bodies of every input API (chat
 * completions, completions, embeddings, Anthropic Messages), from the committed seeds with hostile
 * values and broken bytes, through the request processor to every provider schema. The finding
 * would be a 500, an exception escaping, or state left behind by a refused request.
 */
class RequestParsingFuzzTest {
  private static final List<Path> SEEDS = FuzzSeeds.files("requests", ".json");

  /** One generated request: a seed, changes to its JSON, then to its bytes. */
  record Case(
      int seed,
      List<FuzzSeeds.Mutation> mutations,
      FuzzSeeds.ByteMutation bytes,
      @Nullable String model,
      boolean outputQuota) {}

  @Provide
  Arbitrary<Case> requests() {
    return Combinators.combine(
            Arbitraries.integers().between(0, SEEDS.size() - 1),
            FuzzSeeds.mutations().list().ofMaxSize(4),
            FuzzSeeds.byteMutations(),
            Arbitraries.of(
                    "m-openai",
                    "m-openai-compatible",
                    "m-azure-openai",
                    "m-anthropic",
                    "m-aws-bedrock",
                    "m-gemini")
                .injectNull(0.3),
            Arbitraries.of(true, false))
        .as(Case::new);
  }

  @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
  void anyRequestGetsAnAnswerNeverA500AndARefusalLeavesNothingBehind(@ForAll("requests") Case c)
      throws Exception {
    JsonNode seed = FuzzSeeds.json(SEEDS.get(c.seed()));
    String path = seed.path("path").asText();
    JsonNode body = seed.path("body").deepCopy();
    if (c.model() != null && body.isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("model", c.model());
    }
    c.mutations().forEach(m -> m.apply(body));
    byte[] bytes = c.bytes().apply(FuzzSeeds.JSON.writeValueAsBytes(body));
    InMemoryGateway gateway = new InMemoryGateway(c.outputQuota() ? 1024L : null);
    InMemoryGateway.Request processor = gateway.processor();

    // An exception escaping here is what ExtProcService turns into a 500.
    ProcessingResponse answer = InMemoryGateway.post(processor, path, bytes);
    processor.streamClosed();

    int status = immediateStatus(answer);
    assertThat(gateway.records).hasSize(1);
    if (status != 0) {
      assertThat(status).isNotEqualTo(500).isIn(400, 403, 404, 413, 415, 429, 502, 503);
      JsonNode error =
          FuzzSeeds.JSON.readTree(answer.getImmediateResponse().getBody().toByteArray());
      assertThat(error.has("error")).isTrue();
      // Nothing written: no usage, every reservation given back.
      assertThat(gateway.records.get(0).source()).isEqualTo(UsageSource.NONE);
      assertThat(gateway.holds)
          .allSatisfy(h -> assertThat(h.record.source()).isEqualTo(UsageSource.NONE));
    } else {
      assertThat(answer.hasRequestBody()).isTrue();
      assertThat(FuzzSeeds.JSON.readTree(InMemoryGateway.forwardedBody(answer))).isNotNull();
    }
  }
}
