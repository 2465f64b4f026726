package dev.aigateway.launcher;

import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.proxy.EmbeddedProxy;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gateway proxy}: the embedded proxy alone, against a running control plane. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run the embedded proxy alone: a small Envoy stand-in that takes its listener, routes and"
          + " clusters from the control plane over xDS (as a node of --fleet) and calls the"
          + " ext_proc service like Envoy. For one machine and development; use Envoy in"
          + " production."
    })
final class ProxyCommand implements Callable<Integer> {
  @Mixin ProxyOptions proxyOptions;
  @Mixin TlsOptions tlsOptions;

  @Option(
      names = "--xds-address",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:GATEWAY_XDS_ADDRESS:-127.0.0.1:18000}",
      description = "Control plane xDS address (GATEWAY_XDS_ADDRESS, default: ${DEFAULT-VALUE}).")
  String xdsAddress;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:GATEWAY_BIND_ADDRESS:-127.0.0.1}",
      description =
          "Address the listener binds to (GATEWAY_BIND_ADDRESS, default: ${DEFAULT-VALUE}).")
  String bindAddress;

  @Override
  public Integer call() throws Exception {
    int colon = xdsAddress.lastIndexOf(':');
    Settings.require(
        colon > 0,
        "--xds-address / GATEWAY_XDS_ADDRESS must be HOST:PORT (got " + xdsAddress + ")");
    int port;
    try {
      port = Integer.parseInt(xdsAddress.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new SettingsException(
          "--xds-address / GATEWAY_XDS_ADDRESS has no valid port: " + xdsAddress);
    }
    Settings.port(port, "--xds-address / GATEWAY_XDS_ADDRESS");
    Lifecycle lifecycle = new Lifecycle();
    try {
      EmbeddedProxy proxy =
          lifecycle.add(
              EmbeddedProxy.start(
                  proxyOptions.settings(
                      xdsAddress.substring(0, colon), port, bindAddress, Metrics.newRegistry()),
                  null,
                  tlsOptions.configured()));
      System.out.printf(
          "embedded proxy: node of fleet %s, xDS %s; waiting for config%n",
          proxyOptions.fleet, xdsAddress);
      int listener = proxy.awaitListener(java.time.Duration.ofDays(365));
      System.out.printf("embedded proxy: OpenAI API on http://%s:%d/v1/%n", bindAddress, listener);
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
    lifecycle.awaitShutdown();
    return 0;
  }
}
