package dev.aigateway.proxy.xds;

import java.time.Duration;

/** protobuf Duration to java.time. */
final class XdsDurations {
  private XdsDurations() {}

  static Duration of(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
