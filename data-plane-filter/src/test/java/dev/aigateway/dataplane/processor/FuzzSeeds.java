package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** The committed seeds of the fuzz suite (src/test/resources/fuzz) and the mutations applied. */
final class FuzzSeeds {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DIR = Path.of("src/test/resources/fuzz");

  /** Field names the parsers look for: inserting them reaches deeper code than random names. */
  private static final List<String> FIELDS =
      List.of(
          "model",
          "messages",
          "content",
          "role",
          "max_tokens",
          "max_completion_tokens",
          "n",
          "best_of",
          "stream",
          "stream_options",
          "include_usage",
          "tools",
          "tool_choice",
          "tool_calls",
          "function",
          "arguments",
          "type",
          "text",
          "image_url",
          "url",
          "system",
          "thinking",
          "budget_tokens",
          "response_format",
          "input",
          "prompt",
          "stop",
          "reasoning_effort",
          "temperature",
          // The numbers NumberRanges checks (issue 14, numeric ranges).
          "top_p",
          "top_k",
          "seed",
          "presence_penalty",
          "frequency_penalty",
          "logprobs",
          "top_logprobs",
          "logit_bias",
          "dimensions",
          "max_output_tokens",
          "max_tool_calls",
          "reasoning",
          "effort",
          "input_schema",
          "tool_use_id",
          "name",
          "x");

  private FuzzSeeds() {}

  static List<Path> files(String folder, String suffix) {
    try (Stream<Path> s = Files.list(DIR.resolve(folder))) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One change to a JSON tree: a node (by index in document order) replaced, removed or grown. */
  record Mutation(int target, int op, String field, JsonNode value) {
    void apply(JsonNode root) {
      // The generated values are shared between tries: insert a copy, or a later mutation could
      // grow the shared node (even into itself) and every later try would see it.
      JsonNode value = this.value.deepCopy();
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      JsonNode at = containers.get(Math.floorMod(target, containers.size()));
      switch (Math.floorMod(op, 3)) {
        case 0 -> {
          if (at instanceof ObjectNode o) {
            o.set(field, value);
          } else {
            ((ArrayNode) at).add(value);
          }
        }
        case 1 -> {
          if (at instanceof ObjectNode o && o.size() > 0) {
            o.remove(o.fieldNames().next());
          } else if (at instanceof ArrayNode a && !a.isEmpty()) {
            a.remove(0);
          }
        }
        default -> {
          // Replace an existing member's value, keeping its name (a number where text was...).
          if (at instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            o.set(names.get(Math.floorMod(field.hashCode(), names.size())), value);
          } else if (at instanceof ArrayNode a && !a.isEmpty()) {
            a.set(Math.floorMod(field.hashCode(), a.size()), value);
          }
        }
      }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
      if (node.isContainerNode()) {
        out.add(node);
        node.forEach(child -> collect(child, out));
      }
    }
  }

  static Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 200),
            Arbitraries.integers().between(0, 2),
            Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(8)),
            values())
        .as(Mutation::new);
  }

  /** Hostile JSON values: extreme numbers, control characters, lone surrogates, depth, size. */
  static Arbitrary<JsonNode> values() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40).map(TextNode::valueOf),
        Arbitraries.strings()
            .withChars('\u0000', '\uD800', '\uDFFF', '"', '\\', '\n', 'a', '\u2028')
            .ofMaxLength(12)
            .map(TextNode::valueOf),
        Arbitraries.bigIntegers()
            .between(BigInteger.TWO.pow(80).negate(), BigInteger.TWO.pow(80))
            .map(BigIntegerNode::valueOf),
        Arbitraries.of(
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                -1L,
                0L,
                1L,
                2L,
                128L,
                129L,
                2147483647L,
                2147483648L)
            .map(LongNode::valueOf),
        Arbitraries.doubles().map(DoubleNode::valueOf),
        Arbitraries.of(
            NullNode.getInstance(),
            BooleanNode.TRUE,
            BooleanNode.FALSE,
            f.objectNode(),
            f.arrayNode(),
            TextNode.valueOf("x".repeat(5_000)),
            // Up to four mutations can stack this inside itself: 4 x 230 plus the seed's own depth
            // stays under Jackson's 1,000-level write limit, so the test can still serialise it.
            deep(230),
            TextNode.valueOf("<|endoftext|>")));
  }

  private static JsonNode deep(int depth) {
    ArrayNode root = JsonNodeFactory.instance.arrayNode();
    ArrayNode at = root;
    for (int i = 0; i < depth; i++) {
      at = at.addArray();
    }
    return root;
  }

  /** A change to raw bytes after serialisation: none, a cut, a flipped byte, inserted bytes. */
  record ByteMutation(int kind, int position, byte[] bytes) {
    byte[] apply(byte[] in) {
      if (in.length == 0) {
        return in;
      }
      int at = Math.floorMod(position, in.length);
      return switch (Math.floorMod(kind, 5)) {
        case 1 -> java.util.Arrays.copyOf(in, at);
        case 2 -> {
          byte[] out = in.clone();
          out[at] ^= (byte) (bytes.length == 0 ? 0x5a : bytes[0]);
          yield out;
        }
        case 3 -> {
          byte[] out = new byte[in.length + bytes.length];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(bytes, 0, out, at, bytes.length);
          System.arraycopy(in, at, out, at + bytes.length, in.length - at);
          yield out;
        }
        default -> in;
      };
    }
  }

  static Arbitrary<ByteMutation> byteMutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(16))
        .as(ByteMutation::new);
  }
}
