package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.router.RouteTable;
import java.util.Map;

/** The config one request runs with, captured at its start so updates never change it midway. */
public record ListenerView(
    ListenerSpec listener, RouteTable routes, Map<String, ClusterSpec> clusters) {}
