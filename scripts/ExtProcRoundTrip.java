import io.envoyproxy.envoy.service.ext_proc.v3.*;
import io.envoyproxy.envoy.config.core.v3.*;
import io.grpc.*;
import io.grpc.stub.*;
import java.util.concurrent.*;
import com.google.protobuf.ByteString;

/**
 * Times new-stream round trips (request headers of GET /v1/models) against a running ext_proc:
 * -Dn=5000 round trips (default), percentiles over the last 1,000, so the JIT has warmed up.
 */
public class ExtProcRoundTrip {
  static final int N = Integer.getInteger("n", 5000);

  public static void main(String[] a) throws Exception {
    // A third argument names the TLS directory (gateway run: DATA_DIR/tls): its ext_proc requires
    // a client certificate from that CA.
    ChannelCredentials creds = a.length > 2
        ? dev.aigateway.tls.TlsFiles.inDirectory(java.nio.file.Path.of(a[2])).channelCredentials()
        : InsecureChannelCredentials.create();
    ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", Integer.parseInt(a[0]), creds).build();
    String key = a[1];
    var stub = ExternalProcessorGrpc.newStub(ch);
    long[] t = new long[N];
    for (int i = 0; i < N; i++) {
      CompletableFuture<ProcessingResponse> f = new CompletableFuture<>();
      long s = System.nanoTime();
      StreamObserver<ProcessingRequest> req = stub.process(new StreamObserver<>() {
        public void onNext(ProcessingResponse r) { f.complete(r); }
        public void onError(Throwable e) { f.completeExceptionally(e); }
        public void onCompleted() {}
      });
      HeaderMap.Builder h = HeaderMap.newBuilder();
      for (String[] kv : new String[][] {{":method","GET"},{":path","/v1/models"},{":authority","x"},{":scheme","http"},{"authorization","Bearer " + key}}) {
        h.addHeaders(HeaderValue.newBuilder().setKey(kv[0]).setRawValue(ByteString.copyFromUtf8(kv[1])));
      }
      req.onNext(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder().setHeaders(h).setEndOfStream(true)).build());
      ProcessingResponse r = f.get(5, TimeUnit.SECONDS);
      t[i] = System.nanoTime() - s;
      req.onCompleted();
      if (i == 0) System.out.println("first response case: " + r.getResponseCase());
    }
    java.util.Arrays.sort(t, N-1000, N);
    System.out.printf("warm p50 %.3f ms, p90 %.3f ms%n", t[N-500] / 1e6, t[N-100] / 1e6);
    ch.shutdownNow();
  }
}
