package dev.aigateway.launcher;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code gateway-dataplane.jar}: the data-plane commands only ({@code ext-proc} and
 * {@code proxy}), in a jar without the embedded PostgreSQL and its server binaries. A command of
 * the full gateway is refused with a message naming the jar that has it.
 */
public final class DataPlaneMain {
  /** What this jar runs. */
  static final List<String> COMMANDS = List.of("ext-proc", "proxy");

  private DataPlaneMain() {}

  public static void main(String[] args) {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call it without exiting the JVM). */
  static int run(String... args) {
    String refusal = refusal(args);
    if (refusal != null) {
      System.err.println(refusal);
      return 2;
    }
    CommandLine commandLine = new CommandLine(new DataPlaneCommand());
    commandLine.setExecutionExceptionHandler(new StartupErrors());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine.execute(args);
  }

  /** The message for a command of the full gateway that this jar does not carry, else null. */
  static String refusal(String... args) {
    if (args.length == 0 || COMMANDS.contains(args[0])) {
      return null;
    }
    if (!Main.commandLine().getSubcommands().containsKey(args[0])) {
      return null; // an option or a typo: picocli's own message
    }
    return "error: `"
        + args[0]
        + "` is not in gateway-dataplane.jar, which runs only the data plane ("
        + String.join(", ", COMMANDS)
        + ") and carries no embedded PostgreSQL or admin console; run it with gateway.jar (the"
        + " ai-gateway image).";
  }

  @Command(
      name = "gateway",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = {
        "The AI gateway's data plane: the ext_proc service Envoy calls, and the embedded proxy"
            + " that stands in for Envoy. The other commands (run, control-plane, migrate, ...)"
            + " are in gateway.jar.",
        "",
        "Every option can also be set with the GATEWAY_* environment variable named in its help."
      },
      subcommands = {ExtProcCommand.class, ProxyCommand.class})
  static final class DataPlaneCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }
  }
}
