package dev.aigateway.fakeprovider;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a fake provider until stopped: {@code java -cp gateway.jar
 * dev.aigateway.fakeprovider.FakeProviderMain [port] [chunk-delay-ms]}. Used by load scripts.
 */
public final class FakeProviderMain {
  private FakeProviderMain() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    Duration delay = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 0);
    FakeProvider provider = FakeProvider.start(port, delay);
    System.out.println("fake provider listening on " + provider.baseUrl());
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  provider.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
