package dev.aigateway.dataplane.processor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.jspecify.annotations.Nullable;

/**
 * Which of the two ext_proc filters a stream comes from (failover contract items 1 and 2): the
 * per-attempt filter in each model cluster's upstream chain sends the gRPC initial metadata {@code
 * x-gateway-processing-point: attempt}; without it a stream is the router-level filter's.
 */
public enum ProcessingPoint {
  ROUTER,
  ATTEMPT;

  static final Metadata.Key<String> METADATA =
      Metadata.Key.of("x-gateway-processing-point", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<ProcessingPoint> CURRENT = Context.keyWithDefault("point", ROUTER);

  static ProcessingPoint of(@Nullable String value) {
    return "attempt".equals(value) ? ATTEMPT : ROUTER;
  }

  /** Puts the point a call's metadata names into its gRPC context. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ProcessingPoint point = of(headers.get(METADATA));
        if (point == ROUTER) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
            Context.current().withValue(CURRENT, point), call, headers, next);
      }
    };
  }
}
