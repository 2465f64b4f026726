package dev.aigateway.proxy.listener;

import io.netty.channel.EventLoopGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds, updates and removes listeners as config arrives. Updates swap the view new requests use,
 * so requests in flight are never dropped; a moved or removed listener stops accepting and its open
 * connections finish.
 */
public final class ListenerManager {

  private static final Logger log = LoggerFactory.getLogger(ListenerManager.class);

  /** One listener the config wants, with its view (null while its routes are warming). */
  public record Desired(ListenerSpec spec, @Nullable ListenerView view) {}

  private record Active(ListenerSpec spec, ListenerRuntime runtime, boolean warm) {}

  /** Raised when a listener cannot be bound. */
  public static final class BindFailure extends Exception {
    public BindFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final EventLoopGroup group;
  private final ProxyServices services;
  private final @Nullable String bindOverride;
  private final @Nullable Integer portOverride;
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final List<ListenerRuntime> draining = new CopyOnWriteArrayList<>();

  public ListenerManager(
      EventLoopGroup group,
      ProxyServices services,
      @Nullable String bindOverride,
      @Nullable Integer portOverride) {
    this.group = group;
    this.services = services;
    this.bindOverride = bindOverride;
    this.portOverride = portOverride;
  }

  /** Applies the wanted set of listeners; on a bind failure nothing already active changes. */
  public synchronized void apply(List<Desired> wanted) throws BindFailure {
    Map<String, Active> next = new HashMap<>();
    List<ListenerRuntime> bound = new java.util.ArrayList<>();
    try {
      for (Desired d : wanted) {
        Active cur = active.get(d.spec().name());
        if (cur != null && sameSocket(cur.spec(), d.spec())) {
          next.put(d.spec().name(), cur);
          continue;
        }
        ListenerView initial =
            d.view() != null
                ? d.view()
                : new ListenerView(
                    d.spec(), new dev.aigateway.proxy.router.RouteTable("", List.of()), Map.of());
        ListenerRuntime rt = bind(d.spec(), initial);
        bound.add(rt);
        next.put(d.spec().name(), new Active(d.spec(), rt, d.view() != null));
      }
    } catch (BindFailure e) {
      bound.forEach(ListenerRuntime::stopAccepting);
      throw e;
    }
    for (Desired d : wanted) {
      Active a = next.get(d.spec().name());
      if (d.view() != null) {
        a.runtime().update(d.view());
        next.put(d.spec().name(), new Active(d.spec(), a.runtime(), true));
      } else {
        next.put(d.spec().name(), new Active(d.spec(), a.runtime(), a.warm()));
      }
    }
    for (Map.Entry<String, Active> e : active.entrySet()) {
      Active replacement = next.get(e.getKey());
      if (replacement == null || replacement.runtime() != e.getValue().runtime()) {
        log.info("listener {} stops accepting", e.getKey());
        e.getValue().runtime().stopAccepting();
        draining.add(e.getValue().runtime());
      }
    }
    active.clear();
    active.putAll(next);
    notifyAll();
  }

  /** Bound ports of the listeners that are in service, by listener name. */
  public Map<String, Integer> ports() {
    Map<String, Integer> out = new HashMap<>();
    active.forEach((k, v) -> out.put(k, v.runtime().port()));
    return Map.copyOf(out);
  }

  /** Waits until some listener has its routes; returns its port. */
  public synchronized int awaitWarm(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      for (Active a : active.values()) {
        if (a.warm()) {
          return a.runtime().port();
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return -1;
      }
      wait(left);
    }
  }

  /** Stops accepting everywhere; returns every runtime so the caller can wait for drains. */
  public synchronized List<ListenerRuntime> stopAll() {
    List<ListenerRuntime> all = new java.util.ArrayList<>(draining);
    for (Active a : active.values()) {
      a.runtime().stopAccepting();
      all.add(a.runtime());
    }
    active.clear();
    return all;
  }

  private boolean sameSocket(ListenerSpec a, ListenerSpec b) {
    return a.address().equals(b.address()) && a.port() == b.port();
  }

  private ListenerRuntime bind(ListenerSpec spec, ListenerView view) throws BindFailure {
    String host = bindOverride != null ? bindOverride : spec.address();
    int port = portOverride != null ? portOverride : spec.port();
    try {
      ListenerRuntime rt = ListenerRuntime.bind(group, host, port, view, services);
      log.info("listener {} bound on {}:{}", spec.name(), host, rt.port());
      return rt;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BindFailure("listener " + spec.name() + ": interrupted while binding");
    } catch (Exception e) {
      throw new BindFailure(
          "listener "
              + spec.name()
              + ": cannot bind "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + ")");
    }
  }
}
