package dev.aigateway.launcher;

import picocli.CommandLine.Command;

/** The top-level {@code gateway} command; it only groups the subcommands. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "An AI gateway: one OpenAI-style API in front of many LLM providers, with token and cost"
          + " quotas and stored upstream credentials, running on Envoy (or the embedded proxy).",
      "",
      "Every option can also be set with the GATEWAY_* environment variable named in its help."
    },
    subcommands = {
      RunCommand.class,
      ControlPlaneCommand.class,
      ExtProcCommand.class,
      ProxyCommand.class,
      MigrateCommand.class,
      RotateSecretKeyCommand.class,
      BootstrapCommand.class,
      DevCertsCommand.class,
      dev.aigateway.launcher.config.ConfigCommand.class,
    })
final class GatewayCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
