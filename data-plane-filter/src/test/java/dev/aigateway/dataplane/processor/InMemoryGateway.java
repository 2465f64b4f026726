package dev.aigateway.dataplane.processor;

import com.google.protobuf.ByteString;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.auth.ClientKeyAuthenticator;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.cooldown.CooldownPublisher;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.routing.TargetSelector;
import dev.aigateway.dataplane.telemetry.Tracing;
import dev.aigateway.dataplane.usage.TokenEstimator;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The request processor over an in-memory config with one model per provider schema ({@code
 * m-openai}, {@code m-anthropic}, ...), a key, an admission that records its reservations and what
 * happened to them, and the usage records it was handed. No network, no database: fast enough for
 * the fuzz suite's thousands of requests.
 */
final class InMemoryGateway {
  static final String KEY = "sk-gw-inmemory-0123456789abcdef";
  static final List<ProviderSchema> SCHEMAS =
      List.of(
          ProviderSchema.OPENAI,
          ProviderSchema.OPENAI_COMPATIBLE,
          ProviderSchema.AZURE_OPENAI,
          ProviderSchema.ANTHROPIC,
          ProviderSchema.AWS_BEDROCK,
          ProviderSchema.GEMINI);

  /** One reservation and its fate. */
  static final class Hold implements AdmissionTicket {
    final AdmissionRequest request;
    volatile @Nullable String fate;
    volatile @Nullable UsageRecord record;

    Hold(AdmissionRequest request) {
      this.request = request;
    }

    @Override
    public void settle(UsageRecord r) {
      fate = "settled";
      record = r;
    }

    @Override
    public void release(UsageRecord r) {
      fate = "released";
      record = r;
    }
  }

  // Shared: loading a tokenizer costs far more than the thousands of requests the fuzz suite sends.
  private static final TokenEstimator ESTIMATOR = new TokenEstimator();
  private static final CredentialInjector CREDENTIALS = new CredentialInjector();

  final List<Hold> holds = new CopyOnWriteArrayList<>();
  final List<UsageRecord> records = new CopyOnWriteArrayList<>();

  /** What the attempts charged to the quotas (Admission.charge). */
  final List<UsageRecord> charges = new CopyOnWriteArrayList<>();

  final Map<String, ModelTarget> targets = new HashMap<>();
  final AtomicLong reservations = new AtomicLong();
  final ProcessorDependencies deps;

  /**
   * @param ceiling what the admission imposes on a request without an output limit (null: no quota
   *     counts output)
   */
  InMemoryGateway(@Nullable Long ceiling) {
    Map<String, ProviderConfig> providers = new HashMap<>();
    Map<String, ModelConfig> models = new HashMap<>();
    for (ProviderSchema schema : SCHEMAS) {
      String name = "p-" + schema.wire().replace('_', '-');
      ProviderConfig provider =
          new ProviderConfig(
              UUID.randomUUID(),
              name,
              schema,
              schema.wire(),
              "https://upstream.example",
              "",
              Map.of("region", "us-east-1", "api_version", "2024-10-21"),
              List.of(
                  new UpstreamCredential(
                      UUID.randomUUID(),
                      schema == ProviderSchema.AWS_BEDROCK
                          ? CredentialKind.AWS
                          : CredentialKind.API_KEY,
                      "1234",
                      Map.of(
                          "api_key", "sk-upstream-1234",
                          "access_key_id", "AKIDEXAMPLE",
                          "secret_access_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))));
      providers.put(name, provider);
      String model = "m-" + schema.wire().replace('_', '-');
      models.put(
          model,
          ModelConfig.of(
              UUID.randomUUID(),
              model,
              0,
              List.of(new ModelTarget(provider, "upstream-" + model, 1, 0))));
      targets.put(model, new ModelTarget(provider, "upstream-" + model, 1, 0));
    }
    ClientKey key =
        new ClientKey(
            UUID.randomUUID(),
            "fuzz",
            UUID.randomUUID(),
            KEY.substring(0, 12),
            Set.of(),
            null,
            null);
    ConfigSnapshot snapshot =
        new ConfigSnapshot(
            1, providers, models, Map.of(HexFormat.of().formatHex(Hashes.sha256(KEY)), key));
    Admission admission =
        new Admission() {
          @Override
          public AdmissionDecision admit(AdmissionRequest request) {
            Hold hold = new Hold(request);
            holds.add(hold);
            reservations.incrementAndGet();
            return new AdmissionDecision.Admitted(hold);
          }

          @Override
          public @Nullable Long outputCeiling(UUID keyId, UUID teamId, String model) {
            return ceiling;
          }

          @Override
          public void charge(UsageRecord attempt) {
            charges.add(attempt);
          }
        };
    deps =
        new ProcessorDependencies(
            () -> snapshot,
            new ClientKeyAuthenticator(Clock.systemUTC()),
            TargetSelector.threadLocalRandom(),
            CREDENTIALS,
            ESTIMATOR,
            admission,
            records::add,
            Clock.systemUTC(),
            1 << 20,
            Tracing.OFF,
            CooldownPublisher.NONE);
  }

  Request processor() {
    return new Request(
        this, new RouterProcessor(deps), new AttemptProcessor(deps, cooldowns), targets);
  }

  /** Both points on one replica, sharing {@code bodies} as {@link ExtProcService} does. */
  Request processor(BodyHandoff bodies) {
    Request r =
        new Request(
            this,
            new RouterProcessor(deps, bodies),
            new AttemptProcessor(deps, cooldowns, bodies),
            targets);
    r.bodies = bodies;
    return r;
  }

  final Cooldowns cooldowns = new Cooldowns(Clock.systemUTC());

  /**
   * One request through both processing points, as Envoy runs them for a first attempt: the request
   * phases go to the router point, then (when it routed) to the attempt point with the routed
   * headers and the chosen endpoint's metadata; the response phases go to the attempt point (the
   * router point only sees what the attempt produced).
   */
  static final class Request {
    final RouterProcessor router;
    AttemptProcessor attempt;
    private final InMemoryGateway gateway;
    private final Map<String, ModelTarget> targets;
    private final Map<String, String> held = new HashMap<>();
    private boolean routed;
    private int attempts = 1;
    private BodyHandoff bodies = BodyHandoff.NONE;

    Request(
        InMemoryGateway gateway,
        RouterProcessor router,
        AttemptProcessor attempt,
        Map<String, ModelTarget> targets) {
      this.gateway = gateway;
      this.router = router;
      this.attempt = attempt;
      this.targets = targets;
    }

    /** The headers the router point let through (the internal ones among them). */
    Map<String, String> routedHeaders() {
      return Map.copyOf(held);
    }

    /**
     * Envoy's retry: the current attempt's stream ends (as after a per-attempt timeout or a
     * retriable answer) and a new attempt point gets the same routed request, with {@code
     * x-envoy-attempt-count} one higher; returns its answer to the headers, or to the body when the
     * headers went on.
     */
    ProcessingResponse retry(byte[] body) {
      attempt.streamClosed();
      attempt = new AttemptProcessor(gateway.deps, gateway.cooldowns, bodies);
      attempts++;
      held.put("x-envoy-attempt-count", Integer.toString(attempts));
      ProcessingResponse h = attempt.processBlocking(attemptHeaders(false));
      if (h.hasImmediateResponse() || replacesBody(h)) {
        return h;
      }
      return attempt.processBlocking(
          ProcessingRequest.newBuilder()
              .setRequestBody(
                  HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(true))
              .build());
    }

    ProcessingResponse processBlocking(ProcessingRequest request) {
      return process(request);
    }

    ProcessingResponse process(ProcessingRequest request) {
      return switch (request.getRequestCase()) {
        case REQUEST_HEADERS -> {
          held.putAll(Headers.toMap(request.getRequestHeaders().getHeaders()));
          ProcessingResponse r = router.processBlocking(request);
          if (r.hasRequestHeaders()) {
            apply(r.getRequestHeaders().getResponse().getHeaderMutation());
            if (held.containsKey(RoutedRequest.MODEL)) {
              // Routed at the headers (a stored response): the attempt's headers go now.
              routed = true;
              yield attempt.processBlocking(
                  attemptHeaders(request.getRequestHeaders().getEndOfStream()));
            }
          }
          yield r;
        }
        case REQUEST_BODY -> {
          if (routed) {
            yield attempt.processBlocking(request);
          }
          ProcessingResponse r = router.processBlocking(request);
          if (!r.hasRequestBody()) {
            yield r;
          }
          apply(r.getRequestBody().getResponse().getHeaderMutation());
          routed = true;
          ProcessingResponse h = attempt.processBlocking(attemptHeaders(false));
          if (h.hasImmediateResponse() || replacesBody(h)) {
            // Envoy sends no body after a headers answer that replaced it.
            yield h;
          }
          yield attempt.processBlocking(request);
        }
        default -> routed ? attempt.processBlocking(request) : router.processBlocking(request);
      };
    }

    void streamClosed() {
      attempt.streamClosed();
      router.streamClosed();
    }

    private void apply(io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation m) {
      m.getRemoveHeadersList().forEach(held::remove);
      m.getSetHeadersList()
          .forEach(
              h -> held.put(h.getHeader().getKey(), h.getHeader().getRawValue().toStringUtf8()));
    }

    private ProcessingRequest attemptHeaders(boolean end) {
      return attemptRequest(held, end);
    }

    /** The attempt point's request headers: {@code headers} and the model's endpoint metadata. */
    ProcessingRequest attemptRequest(Map<String, String> headers) {
      return attemptRequest(headers, false);
    }

    private ProcessingRequest attemptRequest(Map<String, String> heldHeaders, boolean end) {
      ModelTarget t = targets.get(heldHeaders.get(RoutedRequest.MODEL));
      ProcessingRequest headers = InMemoryGateway.headers(heldHeaders, end);
      if (t == null) {
        return headers;
      }
      return headers.toBuilder()
          .putAttributes(
              AttemptTarget.ATTRIBUTES,
              com.google.protobuf.Struct.newBuilder()
                  .putFields(AttemptTarget.attribute("provider"), string(t.provider().name()))
                  .putFields(
                      AttemptTarget.attribute("target"), string("target-" + t.provider().name()))
                  .putFields(AttemptTarget.attribute("upstream_model"), string(t.upstreamModel()))
                  .build())
          .build();
    }

    private static com.google.protobuf.Value string(String s) {
      return com.google.protobuf.Value.newBuilder().setStringValue(s).build();
    }
  }

  /** The headers and body phases of a POST with {@code body}; returns the body phase's answer. */
  static ProcessingResponse post(Request p, String path, byte[] body) {
    ProcessingResponse headers =
        p.processBlocking(
            headers(
                Map.of(
                    ":method", "POST",
                    ":path", path,
                    "authorization", "Bearer " + KEY,
                    "content-type", "application/json",
                    "x-request-id", "client-id-1"),
                false));
    if (headers.hasImmediateResponse()) {
      return headers;
    }
    return p.processBlocking(
        ProcessingRequest.newBuilder()
            .setRequestBody(
                HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(true))
            .build());
  }

  static ProcessingResponse post(Request p, String path, String body) {
    return post(p, path, body.getBytes(StandardCharsets.UTF_8));
  }

  static ProcessingRequest headers(Map<String, String> headers, boolean end) {
    List<HeaderValue> values = new ArrayList<>();
    headers.forEach(
        (k, v) ->
            values.add(
                HeaderValue.newBuilder()
                    .setKey(k)
                    .setRawValue(ByteString.copyFromUtf8(v))
                    .build()));
    return ProcessingRequest.newBuilder()
        .setRequestHeaders(
            HttpHeaders.newBuilder()
                .setHeaders(HeaderMap.newBuilder().addAllHeaders(values))
                .setEndOfStream(end))
        .build();
  }

  static ProcessingRequest responseHeaders(int status, String contentType) {
    return ProcessingRequest.newBuilder()
        .setResponseHeaders(
            headers(Map.of(":status", Integer.toString(status), "content-type", contentType), false)
                .getRequestHeaders())
        .build();
  }

  static ProcessingRequest responseBody(byte[] body, boolean end) {
    return ProcessingRequest.newBuilder()
        .setResponseBody(
            HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(end))
        .build();
  }

  /** The upstream body the processor forwarded, or null when it answered itself. */
  static @Nullable String forwardedBody(ProcessingResponse r) {
    if (replacesBody(r)) {
      return r.getRequestHeaders().getResponse().getBodyMutation().getBody().toStringUtf8();
    }
    if (!r.hasRequestBody()) {
      return null;
    }
    return r.getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8();
  }

  /** An answer to request headers that replaces the body (the attempt had it handed over). */
  static boolean replacesBody(ProcessingResponse r) {
    return r.hasRequestHeaders()
        && r.getRequestHeaders().getResponse().getStatus()
            == io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse.ResponseStatus
                .CONTINUE_AND_REPLACE;
  }

  /** The status of an immediate response, or 0 when the request went on. */
  static int immediateStatus(ProcessingResponse r) {
    return r.hasImmediateResponse() ? r.getImmediateResponse().getStatus().getCodeValue() : 0;
  }
}
