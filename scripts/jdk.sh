# Sourced by ./gateway and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME.
# Looks at JAVA_HOME, then `java` on PATH, then the JDKs in /usr/lib/jvm (newest first).

java_major() {
  # Prints the major version of the java binary $1, or nothing if it does not run.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local candidates=() c home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if c=$(command -v java 2>/dev/null); then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$c")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    candidates+=("${c%/}")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(java_major "$home/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk); then
  echo "error: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH and /usr/lib/jvm)." >&2
  echo "       Install one (for example: apt-get install openjdk-21-jdk) or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# JVM options of the gateway unless GATEWAY_JAVA_OPTS (./gateway) or LOAD_TEST_JAVA_OPTS
# (scripts/load-test.sh) replaces them: a small footprint for one machine (docs/operations.md,
# "Memory"; figures in docs/benchmarks.md). The serial collector needs no concurrent threads or
# remembered sets on 2 cores, and with ~45 MiB live a 24 MiB young generation keeps its pauses
# short (16 MiB saved 8 MiB but cost p99); the heap starts at 64 MiB, so the old generation starts
# at 40 MiB and grows to what is live, and grows further only when it must (up to 512 MiB, for
# bursts of large request bodies); compact object headers (JDK 25+) shrink every object by 4 bytes.
# The free ratios keep the old generation at live data + 20-30 % after a full collection (the
# defaults, 40-70 %, left it sized for a loading peak); the periodic trim gives back what glibc
# keeps of freed native memory (the JIT compilers' arenas, mostly; JDK 22+).
GATEWAY_DEFAULT_JAVA_OPTS="-XX:+UseSerialGC -Xms64m -Xmx512m -Xmn24m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=48m -XX:CICompilerCount=2 -Xss512k"
jdk_major=$(java_major "$JAVA_HOME/bin/java")
if [ "$jdk_major" -ge 22 ]; then
  GATEWAY_DEFAULT_JAVA_OPTS="$GATEWAY_DEFAULT_JAVA_OPTS -XX:TrimNativeHeapInterval=5000"
fi
if [ "$jdk_major" -ge 25 ]; then
  GATEWAY_DEFAULT_JAVA_OPTS="$GATEWAY_DEFAULT_JAVA_OPTS -XX:+UseCompactObjectHeaders"
fi
# glibc's malloc keeps up to 8 arenas per core for the JVM's native allocations (JIT compilers,
# Netty); two hold the same with less resident memory.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: Maven (mvn) is needed to build the gateway; install it (apt-get install maven)." >&2
    exit 1
  fi
}
