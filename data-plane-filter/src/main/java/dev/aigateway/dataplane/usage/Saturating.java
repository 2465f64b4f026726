package dev.aigateway.dataplane.usage;

/**
 * Token and money arithmetic that pins at the ends of {@code long} instead of wrapping: a client
 * asking for 2^63 tokens must hit a limit, not turn a counter negative.
 */
public final class Saturating {
  private Saturating() {}

  public static long add(long a, long b) {
    long r = a + b;
    // Overflow iff both operands have the sign opposite to the result's.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  public static long multiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
  }
}
