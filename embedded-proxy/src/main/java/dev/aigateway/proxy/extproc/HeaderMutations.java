package dev.aigateway.proxy.extproc;

import dev.aigateway.proxy.http.HeaderList;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Applies an ext_proc HeaderMutation the way Envoy's mutation_utils does. */
final class HeaderMutations {

  /** A mutation Envoy rejects with a status_on_error reply. */
  static final class RejectedMutation extends Exception {
    RejectedMutation(String message) {
      super(message, null, false, false);
    }
  }

  private HeaderMutations() {}

  /**
   * Applies removals then sets. {@code dropContentLength} is true in the modes where Envoy has
   * removed content-length and silently drops attempts to set it.
   */
  @SuppressWarnings(
      "deprecation") // Envoy's ext_proc reads the deprecated `append`, not append_action.
  static void apply(
      HeaderMutation mutation,
      HeaderList headers,
      MutationRules rules,
      boolean dropContentLength,
      boolean allowMethod)
      throws RejectedMutation {
    for (String raw : mutation.getRemoveHeadersList()) {
      String name = raw.toLowerCase(Locale.ROOT);
      if (!validName(name)) {
        throw new RejectedMutation("invalid header name in remove_headers");
      }
      switch (rules.check(name, true, null)) {
        case ALLOW -> headers.remove(name);
        case IGNORE -> {}
        case FAIL -> throw new RejectedMutation("header mutation not allowed: remove " + name);
      }
    }
    for (HeaderValueOption option : mutation.getSetHeadersList()) {
      var hv = option.getHeader();
      String name = hv.getKey().toLowerCase(Locale.ROOT);
      if (!hv.getValue().isEmpty() && !hv.getRawValue().isEmpty()) {
        throw new RejectedMutation("only one of value or raw_value may be set");
      }
      // Envoy reads only raw_value: a value alone yields an empty header.
      String value = hv.getRawValue().toString(StandardCharsets.UTF_8);
      if (!validName(name) || !validValue(value)) {
        throw new RejectedMutation("invalid header in set_headers");
      }
      if (dropContentLength && name.equals("content-length")) {
        continue;
      }
      boolean append = option.hasAppend() && option.getAppend().getValue();
      var verdict = rules.check(name, false, value);
      if (verdict == MutationRules.Verdict.ALLOW && name.equals(":method") && !allowMethod) {
        verdict = MutationRules.Verdict.IGNORE;
      }
      if (verdict == MutationRules.Verdict.ALLOW && append && name.startsWith(":")) {
        verdict =
            rules.disallowIsError() ? MutationRules.Verdict.FAIL : MutationRules.Verdict.IGNORE;
      }
      switch (verdict) {
        case ALLOW -> {
          if (append) {
            headers.add(name, value);
          } else {
            headers.set(name, value);
          }
        }
        case IGNORE -> {}
        case FAIL -> throw new RejectedMutation("header mutation not allowed: set " + name);
      }
    }
  }

  static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    int start = name.charAt(0) == ':' ? 1 : 0;
    if (start == name.length()) {
      return false;
    }
    for (int i = start; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return true;
  }

  static boolean validValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return false;
      }
    }
    return true;
  }
}
