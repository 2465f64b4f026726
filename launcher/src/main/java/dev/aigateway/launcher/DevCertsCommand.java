package dev.aigateway.launcher;

import dev.aigateway.tls.DevCertificates;
import dev.aigateway.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gateway dev-certs}: a development CA and a certificate for mutual TLS. */
@Command(
    name = "dev-certs",
    mixinStandardHelpOptions = true,
    description = {
      "Write a development CA (ca.pem, ca-key.pem) and one certificate it signs (cert.pem,"
          + " key.pem; server and client use) into a directory, for --tls-dir. The certificate"
          + " names localhost, 127.0.0.1 and ::1 plus every --host. For production use your own"
          + " CA (or cert-manager) with the same file names."
    })
final class DevCertsCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description =
          "Another DNS name or IP address the certificate is valid for (repeatable), such as the"
              + " ext_proc and control-plane service names Envoys dial.")
  List<String> hosts = new ArrayList<>();

  @Override
  public Integer call() {
    Settings.require(
        !Files.exists(out.resolve(TlsFiles.CA_FILE)),
        "--out: " + out + " already holds a ca.pem; choose an empty directory");
    TlsFiles files = DevCertificates.create(out, hosts);
    System.out.printf(
        "wrote %s, %s, %s (and ca-key.pem: keep it offline)%n",
        files.ca(), files.cert(), files.key());
    return 0;
  }
}
