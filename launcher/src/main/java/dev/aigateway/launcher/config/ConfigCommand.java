package dev.aigateway.launcher.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gateway config}: configuration as code against a running gateway's admin API. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Configuration as code: export a running gateway's configuration (providers without"
          + " secrets, models, teams, active keys without secrets, quotas, fleets) as YAML, and"
          + " apply such a file (upsert by name, idempotent). Talks to the admin API with the token"
          + " in GATEWAY_ADMIN_TOKEN."
    },
    subcommands = {
      ConfigCommand.Export.class,
      ConfigCommand.ApplyFile.class,
      ConfigCommand.Schema.class
    })
public final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the admin API is and the token to call it with. */
  static final class Server {
    @Option(
        names = "--server",
        paramLabel = "URL",
        defaultValue = "http://127.0.0.1:8080",
        description = "The gateway's admin URL (default: ${DEFAULT-VALUE}).")
    String url;

    AdminApi api() {
      String token = System.getenv("GATEWAY_ADMIN_TOKEN");
      if (token == null || token.isBlank()) {
        throw new ConfigException("GATEWAY_ADMIN_TOKEN is not set (an admin token of the gateway)");
      }
      return new AdminApi(url, token);
    }
  }

  /** Runs a body, turning a {@link ConfigException} into one line and exit code 1. */
  private static int guarded(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write the whole configuration as YAML (to standard output or --output).")
  static final class Export implements Callable<Integer> {
    @Mixin Server server = new Server();

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write to FILE.")
    Path output;

    @Override
    public Integer call() throws Exception {
      return guarded(
          () -> {
            String yaml = ConfigFile.export(Current.load(server.api()));
            if (output == null) {
              System.out.print(yaml);
            } else {
              Files.writeString(output, yaml);
            }
            return 0;
          });
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Make the gateway match FILE: create what it lacks, update what differs (by name; keys by"
            + " team and name; quotas by scope, model, metric and window). Applying the same file"
            + " again changes nothing and writes no audit entry.",
        "String values may reference environment variables as $${NAME} (provider credentials"
            + " belong there). A provider without credentials in the file keeps its stored ones."
      })
  static final class ApplyFile implements Callable<Integer> {
    @Mixin Server server = new Server();

    @Parameters(paramLabel = "FILE", description = "The YAML file (as written by export).")
    Path file;

    @Option(names = "--dry-run", description = "Print the changes, make none.")
    boolean dryRun;

    @Option(
        names = "--prune",
        description =
            "Also delete what the file does not name (not the default fleet; revoked keys are"
                + " left alone).")
    boolean prune;

    @Override
    public Integer call() throws Exception {
      return guarded(
          () -> {
            String text;
            try {
              text = Files.readString(file);
            } catch (NoSuchFileException e) {
              throw new ConfigException(file + ": no such file");
            }
            ConfigFile desired = ConfigFile.parse(text, System::getenv);
            AdminApi api = server.api();
            List<Change> plan = Plan.between(desired, Current.load(api), prune);
            PrintStream out = System.out;
            plan.forEach(change -> out.println(change.describe()));
            out.println(summary(plan) + (dryRun ? " (dry run: nothing changed)" : ""));
            if (!dryRun) {
              new Apply(api, System.err).run(plan);
            }
            return 0;
          });
    }

    private static String summary(List<Change> plan) {
      if (plan.isEmpty()) {
        return "no changes";
      }
      long creates = plan.stream().filter(c -> c instanceof Change.Create).count();
      long updates = plan.stream().filter(c -> c instanceof Change.Update).count();
      long deletes = plan.stream().filter(c -> c instanceof Change.Delete).count();
      return creates + " to create, " + updates + " to update, " + deletes + " to delete";
    }
  }

  @Command(
      name = "schema",
      mixinStandardHelpOptions = true,
      description = "Print the JSON Schema of the configuration file (for editors).")
  static final class Schema implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      try (InputStream schema =
          ConfigCommand.class.getResourceAsStream(ConfigFile.SCHEMA_RESOURCE)) {
        System.out.print(new String(schema.readAllBytes(), StandardCharsets.UTF_8));
      }
      return 0;
    }
  }
}
