package dev.aigateway.launcher;

import dev.aigateway.proxy.ProxySettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options of the embedded proxy (the Envoy stand-in). */
final class ProxyOptions {
  static final String PROXY_PORT = "--proxy-port / GATEWAY_PROXY_PORT";

  @Option(
      names = "--fleet",
      paramLabel = "NAME",
      defaultValue = "${env:GATEWAY_FLEET:-default}",
      description =
          "Fleet the embedded proxy joins (its xDS node.cluster) (GATEWAY_FLEET, default:"
              + " ${DEFAULT-VALUE}).")
  String fleet;

  @Option(
      names = "--proxy-port",
      paramLabel = "PORT",
      defaultValue = "${env:GATEWAY_PROXY_PORT:--1}",
      description =
          "Port of the embedded proxy's listener instead of the fleet's listener port from xDS"
              + " (GATEWAY_PROXY_PORT; default: the fleet's port, 10000 for the default fleet).")
  int proxyPort;

  ProxySettings settings(String xdsHost, int xdsPort, String bindAddress, MeterRegistry registry) {
    Settings.require(!fleet.isBlank(), "--fleet / GATEWAY_FLEET must not be empty");
    if (proxyPort != -1) {
      Settings.port(proxyPort, PROXY_PORT);
    }
    return ProxySettings.of(xdsHost, xdsPort, "embedded-" + Replica.id(), fleet)
        .withBindAddress(bindAddress)
        .withListenerPort(proxyPort == -1 ? null : proxyPort)
        .withMeterRegistry(registry)
        .withDrainTimeout(Duration.ofSeconds(10));
  }
}
