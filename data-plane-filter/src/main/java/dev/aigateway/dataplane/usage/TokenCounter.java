package dev.aigateway.dataplane.usage;

/** Counts the tokens of ordinary text: a special token's spelling is text like any other. */
@FunctionalInterface
interface TokenCounter {
  int count(String text);
}
