package dev.aigateway.dataplane.translate;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.chat.Providers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chat completions fields that only advise the provider never fail a request to a schema that lacks
 * them: they are dropped (docs/providers.md, "Optional features").
 */
class AdvisoryFieldsTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "AWS_BEDROCK | 'user':'u-1'",
        "GEMINI | 'user':'u-1'",
        "AWS_BEDROCK | 'safety_identifier':'hash-1'",
        "ANTHROPIC | 'store':true",
        "GEMINI | 'metadata':{'run':'r-1'}",
        "ANTHROPIC | 'service_tier':'flex'",
        "AWS_BEDROCK | 'prompt_cache_key':'agent-1'",
        "GCP_VERTEX | 'prompt_cache_retention':'24h'",
        "GEMINI | 'verbosity':'low'",
        "ANTHROPIC | 'prediction':{'type':'content','content':'x'}",
      })
  void anAdvisoryFieldIsDroppedNotRefused(ProviderSchema schema, String field) {
    RequestContext context =
        Providers.context(
            schema,
            Map.of("region", "us-east-1", "project", "p", "location", "l"),
            "upstream-model");
    Translator t = Translators.create(schema, Endpoint.CHAT_COMPLETIONS);

    UpstreamRequest upstream =
        t.request(
            json("{'model':'m','messages':[{'role':'user','content':'hi'}]," + field + "}"),
            context);

    String value = field.substring(field.indexOf(':') + 1).replace('\'', '"');
    String body = new String(upstream.body(), StandardCharsets.UTF_8);
    assertThat(body).contains("hi");
    if (!(schema == ProviderSchema.ANTHROPIC && field.startsWith("'user'"))) {
      assertThat(body).doesNotContain(value);
    }
  }
}
