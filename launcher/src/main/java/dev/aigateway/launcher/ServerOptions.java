package dev.aigateway.launcher;

import picocli.CommandLine.Option;

/** Listening addresses and ports of the gateway's servers. */
final class ServerOptions {
  static final String ADMIN_PORT = "--admin-port / GATEWAY_ADMIN_PORT";
  static final String XDS_PORT = "--xds-port / GATEWAY_XDS_PORT";
  static final String EXT_PROC_PORT = "--ext-proc-port / GATEWAY_EXT_PROC_PORT";

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:GATEWAY_BIND_ADDRESS:-127.0.0.1}",
      description =
          "Address every server binds to (GATEWAY_BIND_ADDRESS, default: ${DEFAULT-VALUE}).")
  String bindAddress;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      defaultValue = "${env:GATEWAY_ADMIN_PORT:-8080}",
      description =
          "Admin REST API, console, /healthz, /readyz and /metrics (GATEWAY_ADMIN_PORT, default:"
              + " ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(
      names = "--xds-port",
      paramLabel = "PORT",
      defaultValue = "${env:GATEWAY_XDS_PORT:-18000}",
      description = "xDS (ADS) gRPC port for Envoys (GATEWAY_XDS_PORT, default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(
      names = "--ext-proc-port",
      paramLabel = "PORT",
      defaultValue = "${env:GATEWAY_EXT_PROC_PORT:-18001}",
      description = "ext_proc gRPC port (GATEWAY_EXT_PROC_PORT, default: ${DEFAULT-VALUE}).")
  int extProcPort;

  @Option(
      names = "--ext-proc-host",
      paramLabel = "HOST",
      defaultValue = "${env:GATEWAY_EXT_PROC_HOST:-127.0.0.1}",
      description =
          "Host name Envoys use to reach the ext_proc service, written into their config"
              + " (GATEWAY_EXT_PROC_HOST, default: ${DEFAULT-VALUE}).")
  String extProcHost;

  void validate() {
    Settings.require(!bindAddress.isBlank(), "--bind / GATEWAY_BIND_ADDRESS must not be empty");
    Settings.port(adminPort, ADMIN_PORT);
    Settings.port(xdsPort, XDS_PORT);
    Settings.port(extProcPort, EXT_PROC_PORT);
  }

  /** The setting that chooses {@code port}, for error messages. */
  String settingOf(int port) {
    if (port == adminPort) {
      return ADMIN_PORT;
    }
    if (port == xdsPort) {
      return XDS_PORT;
    }
    return port == extProcPort ? EXT_PROC_PORT : "its port setting";
  }
}
