package dev.aigateway.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.launcher.Main;
import org.junit.jupiter.api.Test;

class ConfigCommandTest {

  @Test
  void applysHelpShowsTheEnvironmentReferenceSyntaxLiterally() {
    String help =
        Main.commandLine()
            .getSubcommands()
            .get("config")
            .getSubcommands()
            .get("apply")
            .getUsageMessage();
    assertThat(help).contains("environment variables as ${NAME}").doesNotContain("as null");
  }
}
