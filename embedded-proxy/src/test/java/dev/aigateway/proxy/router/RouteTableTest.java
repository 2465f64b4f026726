package dev.aigateway.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.proxy.http.HeaderList;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static Route route(String name, String prefix, HeaderCondition... conditions) {
    return new Route(
        name,
        prefix,
        null,
        null,
        true,
        List.of(conditions),
        new RouteAction.Forward("c_" + name, null, null, Duration.ofSeconds(15)),
        List.of(),
        List.of());
  }

  private static HeaderCondition exact(String name, String value) {
    return new HeaderCondition(name, HeaderCondition.Kind.EXACT, value, null, false, false, true);
  }

  private static HeaderList request(String authority, String path, String provider) {
    HeaderList h = new HeaderList();
    h.add(":method", "POST");
    h.add(":path", path);
    h.add(":authority", authority);
    if (provider != null) {
      h.add("x-gateway-provider", provider);
    }
    return h;
  }

  private final RouteTable table =
      new RouteTable(
          "routes_default",
          List.of(
              new RouteTable.VirtualHost(
                  "exact", List.of("api.example.com"), List.of(route("exact_host", "/"))),
              new RouteTable.VirtualHost(
                  "all",
                  List.of("*"),
                  List.of(
                      route("openai", "/", exact("x-gateway-provider", "openai")),
                      route("anthropic", "/", exact("x-gateway-provider", "anthropic")),
                      route("fallback", "/")))));

  @Test
  void firstRouteWhoseHeadersMatchWins() {
    assertThat(table.match(request("gw", "/v1/chat", "anthropic")).name()).isEqualTo("anthropic");
    assertThat(table.match(request("gw", "/v1/chat", "OpenAI")).name()).isEqualTo("fallback");
    assertThat(table.match(request("gw", "/v1/chat", null)).name()).isEqualTo("fallback");
  }

  @Test
  void exactDomainBeatsWildcardAndThePortIsPartOfTheHost() {
    assertThat(table.match(request("api.example.com", "/", "openai")).name())
        .isEqualTo("exact_host");
    assertThat(table.match(request("api.example.com:8443", "/", "openai")).name())
        .isEqualTo("openai");
  }

  @Test
  void prefixIsMatchedOnThePathWithoutTheQuery() {
    RouteTable t =
        new RouteTable(
            "r",
            List.of(new RouteTable.VirtualHost("all", List.of("*"), List.of(route("v1", "/v1?")))));
    assertThat(t.match(request("gw", "/v1?x=1", null))).isNull();
  }

  @Test
  void invertedMatcherNeverMatchesAMissingHeader() {
    HeaderCondition notOpenai =
        new HeaderCondition(
            "x-gateway-provider", HeaderCondition.Kind.EXACT, "openai", null, false, true, true);
    assertThat(notOpenai.matches(request("gw", "/", "anthropic"))).isTrue();
    assertThat(notOpenai.matches(request("gw", "/", "openai"))).isFalse();
    assertThat(notOpenai.matches(request("gw", "/", null))).isFalse();
  }
}
