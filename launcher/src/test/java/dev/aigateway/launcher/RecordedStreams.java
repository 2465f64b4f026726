package dev.aigateway.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One real recorded stream per schema (from {@code ../shared/fixtures}) and what the OpenAI SDK
 * must make of it through the gateway; the expected values are read off the recordings.
 */
final class RecordedStreams {
  private RecordedStreams() {}

  /** A tool call: name and arguments as compact JSON, so that equal arguments compare equal. */
  record Call(String name, String arguments) {
    static Call of(String name, String argumentsJson) {
      try {
        return new Call(name, JSON.readTree(argumentsJson).toString());
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A recording, the text it streams (its start and end, for long ones), its tool calls and usage
   * in OpenAI's terms (Gemini's thoughts count as completion tokens).
   */
  record Recording(
      String cassette,
      String textStart,
      String textEnd,
      List<Call> calls,
      long promptTokens,
      long completionTokens) {}

  static final Map<String, Recording> BY_SCHEMA =
      Map.of(
          "anthropic",
          new Recording(
              "anthropic-recordings/openllmetry/test_anthropic_tools_streaming_legacy.yaml",
              "Certainly! I can help you with that information.",
              "Let me fetch that data for you.",
              List.of(
                  Call.of(
                      "get_weather",
                      "{\"location\": \"San Francisco, CA\", \"unit\": \"celsius\"}"),
                  Call.of("get_time", "{\"timezone\": \"America/Los_Angeles\"}")),
              506,
              153),
          "aws_bedrock",
          new Recording(
              "bedrock-recordings/opentelemetry-python-contrib/"
                  + "test_converse_stream_with_content_tool_call.yaml",
              "<thinking> The User has asked for the current weather in two different cities",
              "once for each city.</thinking>\n",
              List.of(
                  Call.of("get_current_weather", "{\"location\":\"Seattle\"}"),
                  Call.of("get_current_weather", "{\"location\":\"San Francisco\"}")),
              415,
              202),
          "gemini",
          new Recording(
              "gemini-recordings/pydantic-ai/test_google_model_iter_stream.yaml",
              "",
              "",
              List.of(Call.of("get_capital", "{\"country\":\"France\"}")),
              52,
              5),
          "gcp_vertex",
          new Recording(
              "gemini-recordings/opentelemetry-python-contrib/"
                  + "vertex-genai-test_streaming-logcontent-sync.yaml",
              "When systems hum, a silent, complex art,",
              "Makes complex software shine so bright.",
              List.of(),
              8,
              388 + 2193));
}
