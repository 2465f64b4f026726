import io.envoyproxy.envoy.service.ext_proc.v3.*;
import io.grpc.*;
import io.grpc.stub.*;
import java.util.concurrent.*;

/** Baseline: new-stream round trips against a trivial in-JVM ExternalProcessor (same grpc-java). */
public class TrivialExtProcRoundTrip {
  public static void main(String[] a) throws Exception {
    Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0).addService(new ExternalProcessorGrpc.ExternalProcessorImplBase() {
      @Override public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
        return new StreamObserver<>() {
          public void onNext(ProcessingRequest r) { out.onNext(ProcessingResponse.newBuilder().setImmediateResponse(ImmediateResponse.getDefaultInstance()).build()); }
          public void onError(Throwable t) {}
          public void onCompleted() { out.onCompleted(); }
        };
      }}).build().start();
    ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
    var stub = ExternalProcessorGrpc.newStub(ch);
    long[] t = new long[400];
    for (int i = 0; i < 400; i++) {
      CompletableFuture<ProcessingResponse> f = new CompletableFuture<>();
      long s = System.nanoTime();
      StreamObserver<ProcessingRequest> req = stub.process(new StreamObserver<>() {
        public void onNext(ProcessingResponse r) { f.complete(r); }
        public void onError(Throwable e) { f.completeExceptionally(e); }
        public void onCompleted() {}
      });
      req.onNext(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.getDefaultInstance()).build());
      f.get(5, TimeUnit.SECONDS);
      t[i] = System.nanoTime() - s;
      req.onCompleted();
    }
    java.util.Arrays.sort(t, 200, 400);
    System.out.printf("trivial in-JVM ext_proc: warm p50 %.3f ms, p90 %.3f ms%n", t[300] / 1e6, t[380] / 1e6);
    ch.shutdownNow(); server.shutdownNow();
  }
}
