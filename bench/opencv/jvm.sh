# Shared by run.sh and pointwise.sh (sourced, not run): which JVM the comparisons use and the flags it needs.

# The newest installed Temurin JDK (the Vector API is fastest there), else the JDK of the `java` on PATH.
bench_default_jdk() {
  local jdk
  jdk="$(ls -d /usr/lib/jvm/temurin-2*-jdk-* 2>/dev/null | sort -V | tail -1)"
  echo "${jdk:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
}

# Flags for JDK $1 beyond the Vector API module: JDK 23+ warns about protobuf's and the native peers' access
# unless it is allowed explicitly.
bench_jdk_flags() {
  local ver
  ver="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  if [ "${ver%%.*}" -ge 23 ] 2>/dev/null; then
    echo "--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  fi
}
