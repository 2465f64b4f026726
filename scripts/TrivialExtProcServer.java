import io.envoyproxy.envoy.service.ext_proc.v3.*;
import io.grpc.*;
import io.grpc.stub.*;

/** A trivial ExternalProcessor in its own process (arg: port), for round-trip baselines. */
public class TrivialExtProcServer {
  public static void main(String[] a) throws Exception {
    Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(Integer.parseInt(a[0])).addService(new ExternalProcessorGrpc.ExternalProcessorImplBase() {
      @Override public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
        return new StreamObserver<>() {
          public void onNext(ProcessingRequest r) { out.onNext(ProcessingResponse.newBuilder().setImmediateResponse(ImmediateResponse.getDefaultInstance()).build()); }
          public void onError(Throwable t) {}
          public void onCompleted() { out.onCompleted(); }
        };
      }}).build().start();
    Thread.sleep(120_000);
  }
}
