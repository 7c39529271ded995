# Shared by the bench/ scripts (sourced, not run): building what they run, and the Markdown
# header that says where and how a run was made.

# The repository root; the scripts run from there.
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The classpath of the harnesses: the distribution's jars (the library with its native code, and
# Bouncy Castle, the test kit) and the bench jar.
bench_classpath="$bench_root/java/tools/build/install/staplekit/lib/*:$bench_root/java/bench/build/libs/staplekit-bench.jar"

# JVM options every harness needs: JDK 24+ warns when a class-path library loads native code
# unless native access is enabled (JDK 17 accepts the option silently).
bench_jvm_options=(--enable-native-access=ALL-UNNAMED)

# Builds the distribution and the bench jar (cargo builds the native library in release mode),
# unless BENCH_SKIP_BUILD=1.
bench_build() {
  if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
    return
  fi
  echo "building: ./gradlew installDist :bench:jar" >&2
  (cd "$bench_root" && ./gradlew --no-daemon --console=plain -q installDist :bench:jar) >&2
}

# The java command: JAVA_HOME's if set, else the PATH's.
bench_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    echo "$JAVA_HOME/bin/java"
  else
    echo java
  fi
}

# The BENCH_* and JNI_* variables set, as they would prefix a command line.
bench_knobs() {
  env | grep -E '^(BENCH|JNI)_[A-Z_]*=' | sort | tr '\n' ' ' || true
}

# Markdown lines: the machine, the JDK, the date, the load and the command ($1).
bench_header() {
  local cpu memory
  cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
  memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || true)
  echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, ${memory:-unknown memory}, $(uname -sr)"
  echo "- JDK: $("$(bench_java)" -version 2>&1 | sed -n 2p)"
  echo "- commit: $(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$bench_root" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- load before: $(uptime | sed 's/.*load average/load average/')"
  echo "- command: \`$1\`"
}
