package dev.aigateway.dataplane.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The flat-array counter gives jtokkit's o200k_base counts, text for text. */
class BytePairCounterTest {
  private static final EncodingRegistry JTOKKIT = Encodings.newLazyEncodingRegistry();
  private static final Encoding REFERENCE = JTOKKIT.getEncoding(EncodingType.O200K_BASE);
  private static final BytePairCounter COUNTER = BytePairCounter.o200kBase();

  private static void assertSameCounts(List<String> texts) {
    for (String text : texts) {
      assertEquals(
          REFERENCE.countTokensOrdinary(text),
          COUNTER.count(text),
          () -> "text of " + text.length() + " chars: " + abbreviate(text));
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  @Test
  void everyRecordedProviderExchangeCountsAsJtokkitCountsIt() throws IOException {
    // Every fixture whole, every line of it, and every string value in its YAML (the prompts and
    // replies the recordings carry, JSON bodies included).
    Path fixtures = Path.of(System.getProperty("gateway.fixtures", "../../shared/fixtures"));
    List<String> texts = new ArrayList<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectMapper json = new ObjectMapper();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(fixtures)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      texts.add(content);
      texts.addAll(content.lines().toList());
      if (file.toString().endsWith(".yaml")) {
        strings(yaml.readTree(content), json, texts);
      }
    }
    assertEquals(true, files.size() > 50, "fixtures found under " + fixtures.toAbsolutePath());
    assertSameCounts(texts);
  }

  private static void strings(JsonNode node, ObjectMapper json, List<String> out) {
    if (node.isTextual()) {
      String text = node.asText();
      out.add(text);
      if (text.startsWith("{")) {
        try {
          strings(json.readTree(text), json, out);
        } catch (IOException e) {
          // not JSON after all: the text itself is already counted
        }
      }
    }
    node.forEach(child -> strings(child, json, out));
  }

  @Test
  void unicodeScriptsEmojiCombiningMarksAndLoneSurrogatesCountAlike() {
    assertSameCounts(
        List.of(
            "hello world",
            "Hello, World! It's THE user's BOOK; they'RE here, we'VE been, I'M, you'LL, he'D.",
            "日本語のテキストです。中文文本，한국어 텍스트.",
            "Привет, мир! Ελληνικά κείμενα. עברית טקסט. العربية نص.",
            "emoji 👍🏽👨‍👩‍👧‍👦🇫🇷 and 🙂🙃 mixed with text",
            "combining: e\u0301 a\u0308 n\u0303, Zalgo: Z\u0351\u036b\u0343\u036a\u0302a\u0336l",
            "lone surrogates: \ud800 x \udc00 y \ud83d",
            "tabs\tand\u00a0non-breaking\u2003spaces\u3000ideographic",
            "numbers 1 12 123 1234 12345 3.14159 1,000,000 ١٢٣٤ ൧൨൩",
            "code: for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // done\n\treturn x;",
            "urls https://example.com/a/b?c=d&e=f#g and paths /usr/local/bin/\r\n",
            "mixed\r\n\r\nnewlines\n\n\n  \n \t\nend",
            "<|endoftext|> <|fim_prefix|> <|endofprompt|> are text here",
            "CamelCaseIdentifierWithHTTPServerAndXMLParser snake_case_name kebab-case-name",
            ""));
  }

  @Test
  void longRunsMergeAsJtokkitMergesThem() {
    List<String> texts = new ArrayList<>();
    for (String unit :
        List.of("a", "ab", "xyz ", " ", "\n", "\r\n", "!", "-=", "9", "é", "語", "🙂")) {
      for (int length : new int[] {63, 64, 65, 200, 1_000, 20_000}) {
        texts.add(unit.repeat(Math.max(1, length / unit.length())));
      }
    }
    texts.add("Supercalifragilisticexpialidocious".repeat(300));
    texts.add("aGVsbG8gd29ybGQ".repeat(500)); // base64-like: one long letters-and-digits stretch
    assertSameCounts(texts);
  }

  @Test
  void randomTextAndRandomTokenSequencesCountAlike() {
    Random random = new Random(20261204);
    List<String> texts = new ArrayList<>();
    int[][] ranges = {
      {0x20, 0x7e},
      {0x0a, 0x0d},
      {0xa0, 0x24f},
      {0x370, 0x3ff},
      {0x400, 0x4ff},
      {0x590, 0x6ff},
      {0x900, 0x97f},
      {0x3040, 0x30ff},
      {0x4e00, 0x4fff},
      {0xac00, 0xad00},
      {0x1f300, 0x1f64f},
      {0x300, 0x36f}
    };
    for (int t = 0; t < 2_000; t++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(t % 10 == 0 ? 2_000 : 80);
      int[] range = ranges[random.nextInt(ranges.length)];
      for (int i = 0; i < length; i++) {
        if (random.nextInt(8) == 0) {
          range = ranges[random.nextInt(ranges.length)];
        }
        text.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
      }
      texts.add(text.toString());
    }
    // Text made of the vocabulary's own tokens, decoded: pieces that are tokens and near-tokens.
    for (int t = 0; t < 1_000; t++) {
      com.knuddels.jtokkit.api.IntArrayList tokens = new com.knuddels.jtokkit.api.IntArrayList();
      int length = 1 + random.nextInt(60);
      for (int i = 0; i < length; i++) {
        tokens.add(random.nextInt(199_998));
      }
      texts.add(REFERENCE.decode(tokens));
    }
    assertSameCounts(texts);
  }
}
