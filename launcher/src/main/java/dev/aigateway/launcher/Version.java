package dev.aigateway.launcher;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Version.class.getPackage().getImplementationVersion();
    return new String[] {"gateway " + (version == null ? "development build" : version)};
  }
}
