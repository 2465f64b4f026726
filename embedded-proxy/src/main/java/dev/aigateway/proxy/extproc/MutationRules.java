package dev.aigateway.proxy.extproc;

import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutationRules;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Envoy's header mutation checker (mutation_rules.proto); the default rules when unset. */
public record MutationRules(
    boolean allowAllRouting,
    boolean allowEnvoy,
    boolean disallowSystem,
    boolean disallowAll,
    @Nullable Pattern allowExpression,
    @Nullable Pattern disallowExpression,
    boolean disallowIsError) {

  /** The outcome of checking one mutation. */
  public enum Verdict {
    ALLOW,
    IGNORE,
    FAIL
  }

  public static final MutationRules DEFAULT =
      new MutationRules(false, false, false, false, null, null, false);

  public static MutationRules from(HeaderMutationRules r) {
    return new MutationRules(
        r.hasAllowAllRouting() && r.getAllowAllRouting().getValue(),
        r.hasAllowEnvoy() && r.getAllowEnvoy().getValue(),
        r.hasDisallowSystem() && r.getDisallowSystem().getValue(),
        r.hasDisallowAll() && r.getDisallowAll().getValue(),
        r.hasAllowExpression() ? Pattern.compile(r.getAllowExpression().getRegex()) : null,
        r.hasDisallowExpression() ? Pattern.compile(r.getDisallowExpression().getRegex()) : null,
        r.hasDisallowIsError() && r.getDisallowIsError().getValue());
  }

  /** Checks setting ({@code remove == false}) or removing a header. */
  public Verdict check(String name, boolean remove, @Nullable String value) {
    boolean system = name.startsWith(":") || name.equals("host");
    if (remove && system) {
      // Removing a pseudo-header or host is never possible.
      return disallowIsError ? Verdict.FAIL : Verdict.IGNORE;
    }
    boolean allowed = isAllowed(name, system);
    if (allowed && name.equals(":status") && value != null) {
      allowed = validStatus(value);
    }
    if (allowed) {
      return Verdict.ALLOW;
    }
    return disallowIsError ? Verdict.FAIL : Verdict.IGNORE;
  }

  private boolean isAllowed(String name, boolean system) {
    if (disallowAll) {
      return false;
    }
    if (disallowExpression != null && disallowExpression.matcher(name).matches()) {
      return false;
    }
    if (allowExpression != null && allowExpression.matcher(name).matches()) {
      return true;
    }
    if (system) {
      if (disallowSystem) {
        return false;
      }
      return switch (name) {
        case ":authority", "host", ":method", ":scheme" -> allowAllRouting;
        default -> true;
      };
    }
    if (name.startsWith("x-envoy")) {
      return allowEnvoy;
    }
    return true;
  }

  private static boolean validStatus(String value) {
    try {
      int s = Integer.parseInt(value);
      return s >= 200 && s <= 599;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
