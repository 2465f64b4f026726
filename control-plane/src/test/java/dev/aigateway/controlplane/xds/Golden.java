package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file under {@code src/test/resources/xds/golden}. Run with {@code
 * -Dgolden.update=true} to rewrite the files after an intended change, then review the diff.
 */
final class Golden {
  private static final Path DIR = Path.of("src/test/resources/xds/golden");

  private Golden() {}

  static void assertMatches(String relativePath, String actual) throws IOException {
    Path file = DIR.resolve(relativePath);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
    assertThat(actual)
        .as("generated resources differ from %s", file)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
