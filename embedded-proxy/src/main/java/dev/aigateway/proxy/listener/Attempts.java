package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.cluster.Endpoint;
import dev.aigateway.proxy.cluster.LoadBalancer;
import dev.aigateway.proxy.cluster.UpstreamClient;
import dev.aigateway.proxy.cluster.UpstreamListener;
import dev.aigateway.proxy.extproc.ExtProcFilter;
import dev.aigateway.proxy.extproc.ExtProcSpec;
import dev.aigateway.proxy.extproc.HostAttributes;
import dev.aigateway.proxy.extproc.Outcome;
import dev.aigateway.proxy.extproc.Step;
import dev.aigateway.proxy.http.HeaderList;
import dev.aigateway.proxy.router.RetryPolicy;
import dev.aigateway.proxy.router.RouteAction;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The router's attempts for one request, as Envoy makes them (router.cc, upstream_request.cc): each
 * attempt picks a host by priority level and weight (leaving out levels and hosts already tried,
 * per previous_priorities and previous_hosts), rewrites the host from the endpoint's hostname, runs
 * the cluster's upstream ext_proc (its own stream per attempt, with the endpoint's metadata as
 * request attributes), sends the request and passes the response through that ext_proc again before
 * the retry decision; a retriable answer, reset, connect failure or per-try timeout moves on after
 * the back-off while nothing has gone downstream. A local reply from the upstream ext_proc ends the
 * request (UpstreamFilterManager::sendLocalReply goes through the downstream filter manager) and is
 * never retried.
 */
final class Attempts implements UpstreamClient.Call {

  /** What the attempts report to the exchange, beyond an upstream's own events. */
  interface Downstream extends UpstreamListener {
    /** The upstream ext_proc answered locally (immediate response or failure). */
    void upstreamFilterReply(Outcome outcome);

    /** The last attempt's per-try timeout fired before any response went downstream. */
    void perTryTimeout();
  }

  private final EventLoop loop;
  private final ProxyServices services;
  private final ClusterSpec cluster;
  private final RouteAction.Forward route;
  private final @Nullable RetryPolicy policy;
  private final HeaderList headers;
  private final byte[] body;
  private final boolean headRequest;
  private final Function<String, @Nullable ClusterSpec> clusters;
  private final Downstream out;
  private final Set<Integer> triedPriorities = new HashSet<>();
  private final Set<Endpoint> triedHosts = new HashSet<>();
  private int attempt;
  private boolean committed;
  private boolean aborted;
  private @Nullable Try current;
  private @Nullable ScheduledFuture<?> backOff;

  Attempts(
      EventLoop loop,
      ProxyServices services,
      ClusterSpec cluster,
      RouteAction.Forward route,
      HeaderList headers,
      byte[] body,
      boolean headRequest,
      Function<String, @Nullable ClusterSpec> clusters,
      Downstream out) {
    this.loop = loop;
    this.services = services;
    this.cluster = cluster;
    this.route = route;
    this.policy = route.retryPolicy();
    this.headers = headers;
    this.body = body;
    this.headRequest = headRequest;
    this.clusters = clusters;
    this.out = out;
  }

  /** True when a cluster or route uses anything only this path implements. */
  static boolean needed(ClusterSpec cluster, RouteAction.Forward route) {
    return route.retryPolicy() != null
        || route.autoHostRewrite()
        || cluster.upstreamExtProc() != null
        || cluster.outlier() != null
        || cluster.endpoints().stream().anyMatch(e -> e.priority() != 0 || e.weight() != 1);
  }

  void start() {
    next();
  }

  @Override
  public void abort() {
    aborted = true;
    if (backOff != null) {
      backOff.cancel(false);
    }
    if (current != null) {
      current.abandon();
    }
  }

  private LoadBalancer balancer() {
    return services.upstream().balancer();
  }

  private void next() {
    if (aborted) {
      return;
    }
    attempt++;
    boolean prevPriorities = policy != null && policy.previousPriorities();
    boolean prevHosts = policy != null && policy.previousHosts();
    Endpoint ep =
        balancer()
            .choose(
                cluster,
                prevPriorities ? triedPriorities : Set.of(),
                prevHosts ? triedHosts : Set.of(),
                policy == null ? 0 : policy.hostSelectionAttempts(),
                bound -> ThreadLocalRandom.current().nextInt(bound));
    if (ep == null) {
      out.onUpstreamError(new UpstreamClient.NoHealthyUpstream(), false);
      return;
    }
    triedPriorities.add(ep.priority());
    triedHosts.add(ep);
    Try t = new Try(ep);
    current = t;
    HeaderList h = headers.copy();
    if (route.autoHostRewrite() && ep.hostname() != null) {
      h.set(":authority", ep.hostname());
    }
    if (route.includeAttemptCount()) {
      h.set("x-envoy-attempt-count", Integer.toString(attempt));
    }
    if (policy != null && !policy.perTryTimeout().isZero()) {
      t.timer =
          loop.schedule(
              () -> onPerTryTimeout(t), policy.perTryTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    ExtProcSpec spec = cluster.upstreamExtProc();
    if (spec == null) {
      t.send(h, body);
      return;
    }
    ClusterSpec extProcCluster = clusters.apply(spec.cluster());
    ExtProcFilter f =
        new ExtProcFilter(
            spec,
            services.extProc().channelFor(extProcCluster, loop),
            loop,
            o -> {
              if (t.live()) {
                localReply(o);
              }
            });
    f.requestAttributes(HostAttributes.of(spec, ep));
    t.filter = f;
    f.requestHeaders(
        h,
        body.length == 0,
        step -> {
          if (!t.live()) {
            return;
          }
          switch (step) {
            case Step.Stop s -> localReply(s.outcome());
            case Step.Continue c -> {
              byte[] b = c.body() != null ? c.body() : body;
              if (b.length == 0 || c.body() != null) {
                t.send(h, b);
                return;
              }
              f.requestBody(
                  h,
                  b,
                  step2 -> {
                    if (!t.live()) {
                      return;
                    }
                    switch (step2) {
                      case Step.Stop s2 -> localReply(s2.outcome());
                      case Step.Continue c2 -> t.send(h, c2.body() != null ? c2.body() : b);
                    }
                  });
            }
          }
        });
  }

  private boolean retriesLeft() {
    return policy != null && attempt - 1 < policy.numRetries();
  }

  private void retry() {
    Duration wait = policy.backOff(attempt);
    backOff = loop.schedule(this::next, Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
  }

  private void localReply(Outcome outcome) {
    committed = true;
    if (current != null) {
      current.abandon();
    }
    out.upstreamFilterReply(outcome);
  }

  private void onPerTryTimeout(Try t) {
    t.timer = null;
    // router.cc: a per-try timeout after the downstream response started is ignored.
    if (!t.live() || committed) {
      return;
    }
    t.abandon();
    balancer().record(cluster, t.endpoint, LoadBalancer.Result.GATEWAY_FAILURE);
    if (policy.retriesPerTryTimeout() && retriesLeft()) {
      retry();
    } else {
      committed = true;
      out.perTryTimeout();
    }
  }

  private static LoadBalancer.Result result(int status) {
    if (status >= 502 && status <= 504) {
      return LoadBalancer.Result.GATEWAY_FAILURE;
    }
    return status >= 500 ? LoadBalancer.Result.SERVER_ERROR : LoadBalancer.Result.SUCCESS;
  }

  /** One attempt: its host, upstream call, upstream ext_proc and response relay. */
  private final class Try implements UpstreamListener {
    final Endpoint endpoint;
    UpstreamClient.@Nullable Call call;
    @Nullable ExtProcFilter filter;
    @Nullable ResponseRelay relay;
    @Nullable ScheduledFuture<?> timer;
    boolean done;

    Try(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    boolean live() {
      return !done && !aborted && current == this;
    }

    void send(HeaderList h, byte[] b) {
      call =
          services
              .upstream()
              .send(loop, cluster, endpoint, HttpMessages.toUpstream(h, b.length), b, this);
    }

    void abandon() {
      if (done) {
        return;
      }
      done = true;
      if (timer != null) {
        timer.cancel(false);
      }
      if (relay != null) {
        relay.discard();
      }
      if (call != null) {
        call.abort();
      }
      if (filter != null) {
        filter.cancel();
      }
    }

    /** Upstream headers reached the router: retry, or the response starts downstream. */
    boolean routerHeaders(int status) {
      balancer().record(cluster, endpoint, result(status));
      if (policy != null && policy.retriesStatus(status) && retriesLeft()) {
        abandon();
        retry();
        return false;
      }
      committed = true;
      if (timer != null) {
        timer.cancel(false);
      }
      return true;
    }

    @Override
    public void onResponseHeaders(HttpResponse response) {
      if (!live()) {
        return;
      }
      int code = response.status().code();
      boolean bodyless =
          headRequest
              || code == 204
              || code == 304
              || HttpUtil.getContentLength(response, -1L) == 0;
      if (filter == null) {
        if (routerHeaders(code)) {
          out.onResponseHeaders(response);
        }
        return;
      }
      relay =
          new ResponseRelay(
              new ResponseRelay.Sink() {
                @Override
                public void head(HeaderList h, boolean noBody) {
                  if (live() && routerHeaders(status(h))) {
                    out.onResponseHeaders(HttpMessages.toDownstream(h, noBody));
                  }
                }

                @Override
                public void chunk(byte[] chunk, boolean last) {
                  if (committed && current == Try.this && !aborted) {
                    out.onResponseContent(chunk, last);
                  }
                }
              },
              filter,
              cluster.bufferLimitBytes(),
              headRequest,
              new ResponseRelay.Callbacks() {
                @Override
                public void finished(boolean ok) {
                  if (filter != null) {
                    filter.finish();
                  }
                  if (!ok && live()) {
                    out.onUpstreamError(new java.io.IOException("upstream filter reset"), true);
                  }
                }

                @Override
                public void stopped(Outcome outcome) {
                  if (live()) {
                    localReply(outcome);
                  }
                }

                @Override
                public void abortUpstream() {
                  if (call != null) {
                    call.abort();
                  }
                }
              });
      relay.onHeaders(HttpMessages.responseHeaders(response), bodyless);
    }

    @Override
    public void onResponseContent(byte[] chunk, boolean last) {
      if (done || aborted || current != this) {
        return;
      }
      if (relay != null) {
        relay.onContent(chunk, last);
      } else if (committed) {
        out.onResponseContent(chunk, last);
      }
    }

    @Override
    public void onUpstreamError(Throwable cause, boolean headersReceived) {
      if (!live()) {
        return;
      }
      if (committed) {
        done = true;
        out.onUpstreamError(cause, true);
        return;
      }
      boolean connectFailure =
          cause instanceof java.net.ConnectException
              || cause instanceof io.netty.channel.ConnectTimeoutException;
      abandon();
      balancer().record(cluster, endpoint, LoadBalancer.Result.GATEWAY_FAILURE);
      if (policy != null && policy.retriesReset(connectFailure) && retriesLeft()) {
        retry();
      } else {
        out.onUpstreamError(cause, false);
      }
    }
  }

  private static int status(HeaderList h) {
    try {
      return Integer.parseInt(h.get(":status"));
    } catch (RuntimeException e) {
      return 502;
    }
  }
}
