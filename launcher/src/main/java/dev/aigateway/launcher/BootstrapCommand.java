package dev.aigateway.launcher;

import dev.aigateway.controlplane.xds.BootstrapYaml;
import dev.aigateway.controlplane.xds.XdsStateReader;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.tls.TlsFiles;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gateway bootstrap --fleet NAME}: print the Envoy bootstrap of a fleet. */
@Command(
    name = "bootstrap",
    mixinStandardHelpOptions = true,
    description = {
      "Print a ready Envoy bootstrap (YAML) for a fleet: node.cluster set to the fleet, ADS over"
          + " gRPC to the control plane's xDS port, Envoy's admin interface on localhost. The same"
          + " as GET /api/v1/fleets/NAME/bootstrap."
    })
final class BootstrapCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions servers;
  @Mixin TlsOptions tlsOptions;

  @Option(names = "--fleet", required = true, paramLabel = "NAME", description = "Fleet name.")
  String fleet;

  @Option(
      names = "--xds-host",
      paramLabel = "HOST",
      description =
          "Host Envoys use to reach the control plane's xDS port (default: the --bind address, or"
              + " 127.0.0.1 when that is a wildcard).")
  String xdsHost;

  @Option(
      names = "--node-id",
      paramLabel = "ID",
      description = "Node id (default: FLEET-envoy; Envoy's --service-node overrides it).")
  String nodeId;

  @Override
  public Integer call() {
    servers.validate();
    DatabaseSettings settings = database.settings();
    if (settings.embedded()) {
      // Opening the embedded database here would stop the one a running gateway is using.
      System.err.println(
          "note: fleet '"
              + fleet
              + "' not checked (the embedded database belongs to the running gateway);"
              + " GET /api/v1/fleets/"
              + fleet
              + "/bootstrap checks it");
    } else {
      try (Database db = Database.start(settings)) {
        if (XdsStateReader.fleet(db.dsl(), fleet).isEmpty()) {
          throw new SettingsException("fleet '" + fleet + "' does not exist");
        }
      }
    }
    String host = xdsHost;
    if (host == null || host.isBlank()) {
      host =
          servers.bindAddress.equals("0.0.0.0") || servers.bindAddress.equals("::")
              ? "127.0.0.1"
              : servers.bindAddress;
    }
    System.out.print(
        BootstrapYaml.render(
            new BootstrapYaml.Params(
                fleet,
                nodeId == null || nodeId.isBlank() ? fleet + "-envoy" : nodeId,
                host,
                servers.xdsPort,
                9901,
                tlsOptions.forEnvoys(
                    tlsOptions.tlsDir == null ? null : TlsFiles.inDirectory(tlsOptions.tlsDir)))));
    return 0;
  }
}
