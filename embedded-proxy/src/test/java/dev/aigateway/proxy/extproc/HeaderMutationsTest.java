package dev.aigateway.proxy.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import dev.aigateway.proxy.http.HeaderList;
import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutationRules;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import org.junit.jupiter.api.Test;

class HeaderMutationsTest {

  private static HeaderValueOption set(String k, String v) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFromUtf8(v)))
        .build();
  }

  private static HeaderList request() {
    HeaderList h = new HeaderList();
    h.add(":method", "POST");
    h.add(":path", "/v1/chat/completions");
    h.add(":scheme", "http");
    h.add(":authority", "gw.local");
    h.add("authorization", "Bearer client");
    h.add("x-keep", "a");
    h.add("x-keep", "b");
    return h;
  }

  @Test
  void defaultRulesIgnoreRoutingAndEnvoyHeadersButAllowPath() throws Exception {
    HeaderList h = request();
    HeaderMutation m =
        HeaderMutation.newBuilder()
            .addSetHeaders(set(":authority", "evil"))
            .addSetHeaders(set("host", "evil"))
            .addSetHeaders(set(":method", "GET"))
            .addSetHeaders(set(":scheme", "https"))
            .addSetHeaders(set("x-envoy-original-path", "/x"))
            .addSetHeaders(set(":path", "/v1/messages"))
            .addSetHeaders(set("authorization", "Bearer upstream"))
            .addRemoveHeaders(":authority")
            .build();

    HeaderMutations.apply(m, h, MutationRules.DEFAULT, false, false);

    assertThat(h.get(":authority")).isEqualTo("gw.local");
    assertThat(h.get(":method")).isEqualTo("POST");
    assertThat(h.get(":scheme")).isEqualTo("http");
    assertThat(h.get("host")).isNull();
    assertThat(h.get("x-envoy-original-path")).isNull();
    assertThat(h.get(":path")).isEqualTo("/v1/messages");
    assertThat(h.get("authorization")).isEqualTo("Bearer upstream");
  }

  @Test
  void setOverwritesEveryValueBecauseAppendActionIsIgnored() throws Exception {
    HeaderList h = request();
    HeaderValueOption withAction =
        set("x-keep", "c").toBuilder()
            .setAppendAction(HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)
            .build();

    HeaderMutations.apply(
        HeaderMutation.newBuilder().addSetHeaders(withAction).build(),
        h,
        MutationRules.DEFAULT,
        false,
        false);

    assertThat(
            h.all().stream().filter(x -> x.name().equals("x-keep")).map(HeaderList.Header::value))
        .containsExactly("c");
  }

  @Test
  @SuppressWarnings("deprecation")
  void deprecatedAppendTrueAppends() throws Exception {
    HeaderList h = request();
    HeaderValueOption append = set("x-keep", "c").toBuilder().setAppend(BoolValue.of(true)).build();

    HeaderMutations.apply(
        HeaderMutation.newBuilder().addSetHeaders(append).build(),
        h,
        MutationRules.DEFAULT,
        false,
        false);

    assertThat(h.all().stream().filter(x -> x.name().equals("x-keep"))).hasSize(3);
  }

  @Test
  void valueAndRawValueTogetherAreRejected() {
    HeaderValueOption both =
        HeaderValueOption.newBuilder()
            .setHeader(
                HeaderValue.newBuilder()
                    .setKey("x-a")
                    .setValue("v")
                    .setRawValue(ByteString.copyFromUtf8("r")))
            .build();

    assertThatThrownBy(
            () ->
                HeaderMutations.apply(
                    HeaderMutation.newBuilder().addSetHeaders(both).build(),
                    request(),
                    MutationRules.DEFAULT,
                    false,
                    false))
        .isInstanceOf(HeaderMutations.RejectedMutation.class);
  }

  @Test
  void invalidValueIsAlwaysAnError() {
    assertThatThrownBy(
            () ->
                HeaderMutations.apply(
                    HeaderMutation.newBuilder().addSetHeaders(set("x-a", "bad\r\nvalue")).build(),
                    request(),
                    MutationRules.DEFAULT,
                    false,
                    false))
        .isInstanceOf(HeaderMutations.RejectedMutation.class);
  }

  @Test
  void disallowIsErrorTurnsIgnoredMutationsIntoFailures() {
    MutationRules strict =
        MutationRules.from(
            HeaderMutationRules.newBuilder().setDisallowIsError(BoolValue.of(true)).build());

    assertThatThrownBy(
            () ->
                HeaderMutations.apply(
                    HeaderMutation.newBuilder().addSetHeaders(set(":authority", "x")).build(),
                    request(),
                    strict,
                    false,
                    false))
        .isInstanceOf(HeaderMutations.RejectedMutation.class);
  }

  @Test
  void allowAllRoutingPermitsAuthority() throws Exception {
    MutationRules routing =
        MutationRules.from(
            HeaderMutationRules.newBuilder().setAllowAllRouting(BoolValue.of(true)).build());
    HeaderList h = request();

    HeaderMutations.apply(
        HeaderMutation.newBuilder().addSetHeaders(set(":authority", "api.test")).build(),
        h,
        routing,
        false,
        false);

    assertThat(h.get(":authority")).isEqualTo("api.test");
  }

  @Test
  void contentLengthIsDroppedInModesThatRemovedIt() throws Exception {
    HeaderList h = request();

    HeaderMutations.apply(
        HeaderMutation.newBuilder().addSetHeaders(set("content-length", "12")).build(),
        h,
        MutationRules.DEFAULT,
        true,
        false);

    assertThat(h.get("content-length")).isNull();
  }

  @Test
  void invalidStatusIsIgnored() throws Exception {
    HeaderList h = new HeaderList();
    h.add(":status", "200");

    HeaderMutations.apply(
        HeaderMutation.newBuilder().addSetHeaders(set(":status", "100")).build(),
        h,
        MutationRules.DEFAULT,
        false,
        false);
    assertThat(h.get(":status")).isEqualTo("200");

    HeaderMutations.apply(
        HeaderMutation.newBuilder().addSetHeaders(set(":status", "429")).build(),
        h,
        MutationRules.DEFAULT,
        false,
        false);
    assertThat(h.get(":status")).isEqualTo("429");
  }
}
