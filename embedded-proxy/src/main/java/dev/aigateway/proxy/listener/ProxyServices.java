package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.cluster.UpstreamClient;
import dev.aigateway.proxy.extproc.ExtProcChannels;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/** Long-lived clients shared by every request. */
public record ProxyServices(
    UpstreamClient upstream, ExtProcChannels extProc, @Nullable MeterRegistry meters) {}
