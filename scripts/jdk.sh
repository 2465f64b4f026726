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
# (scripts/load-test.sh) replaces them. A heap that starts at 512 MiB keeps G1 from starting a
# concurrent cycle (and its remark pause) after every other young collection, as it does while the
# heap is small next to the ~120 MiB that stays live; see docs/benchmarks.md.
GATEWAY_DEFAULT_JAVA_OPTS="-Xms512m -Xmx1g"

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: Maven (mvn) is needed to build the gateway; install it (apt-get install maven)." >&2
    exit 1
  fi
}
