package dev.aigateway.launcher;

import picocli.CommandLine;

/** Entry point of the {@code gateway} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (tests execute it without exiting the JVM). */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new GatewayCommand());
    commandLine.setExecutionExceptionHandler(new StartupErrors());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine;
  }
}
