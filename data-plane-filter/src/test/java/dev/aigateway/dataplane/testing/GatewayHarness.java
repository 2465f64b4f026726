package dev.aigateway.dataplane.testing;

import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.credential.CloudEnvironment;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real ext_proc server on an ephemeral port, with its recorded usage and an Envoy-like client.
 */
public final class GatewayHarness implements AutoCloseable {
  public final Database db;
  public final TestConfig config;
  public final ExtProcServer server;
  public final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  public final LinkedBlockingQueue<UsageRecord> usage = new LinkedBlockingQueue<>();
  private final Map<String, URI> routes = new ConcurrentHashMap<>();

  public GatewayHarness(Database db, Admission admission, long maxBodyBytes) {
    this(db, admission, maxBodyBytes, ExtProcSettings.DEFAULT_DRAIN_GRACE);
  }

  public GatewayHarness(Database db, Admission admission, long maxBodyBytes, Duration drainGrace) {
    this(db, admission, maxBodyBytes, drainGrace, CloudEnvironment.system());
  }

  /** With the environment the cloud-identity credential kinds read. */
  public GatewayHarness(
      Database db, Admission admission, long maxBodyBytes, CloudEnvironment cloud) {
    this(db, admission, maxBodyBytes, ExtProcSettings.DEFAULT_DRAIN_GRACE, cloud);
  }

  private GatewayHarness(
      Database db,
      Admission admission,
      long maxBodyBytes,
      Duration drainGrace,
      CloudEnvironment cloud) {
    this.db = db;
    this.config = new TestConfig(db);
    this.server =
        ExtProcServer.start(
            new ExtProcSettings(
                "127.0.0.1",
                0,
                Path.of("target"),
                TestConfig.SECRET_KEY,
                List.of(),
                maxBodyBytes,
                drainGrace),
            db,
            metrics,
            admission,
            usage::add,
            cloud);
  }

  public GatewayHarness(Database db) {
    this(db, Admission.ADMIT_ALL, ExtProcSettings.DEFAULT_MAX_REQUEST_BODY_BYTES);
  }

  /** Where a provider's endpoints are (what EDS would hold for its targets). */
  public void route(String provider, URI upstream) {
    routes.put(provider, upstream);
  }

  public EnvoyLikeClient client() {
    return new EnvoyLikeClient(server.port(), routes, EnvoyLikeClient.targetsIn(db));
  }

  /** Waits until the server serves at least the database's current revision. */
  public void awaitConfig() {
    long wanted = config.revision();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.configRevision() < wanted) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("config revision " + wanted + " not loaded within 5 s");
      }
      sleep(10);
    }
  }

  /** The next usage record, waiting briefly (records are written when the stream ends). */
  public UsageRecord nextUsage() {
    try {
      UsageRecord r = usage.poll(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no usage record within 5 s");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
