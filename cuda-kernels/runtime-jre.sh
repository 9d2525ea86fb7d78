#!/usr/bin/env bash
# Builds a small Java 25 runtime (jlink, about 45 MiB) into .jre at the repository's root, for a GPU
# machine that has no JDK: carry .jre and the built jars there and run
#   .jre/bin/java --add-modules jdk.incubator.vector -cp ... <main class> ...
# The folder is added to .git/info/exclude.
set -euo pipefail
JDK="${JAVA_HOME:-}"
if [ -z "$JDK" ] || ! "$JDK/bin/java" -version 2>&1 | grep -q '"2[5-9]'; then
  JDK=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n1 || true)
fi
[ -x "$JDK/bin/jlink" ] || { echo "no JDK 25 with jlink found (set JAVA_HOME)" >&2; exit 1; }
top=$(git rev-parse --show-toplevel)
out="$top/.jre"
rm -rf "$out"
"$JDK/bin/jlink" \
  --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.unsupported,java.naming,java.xml,jdk.management \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$out"
grep -qx '/.jre/' "$top/.git/info/exclude" 2>/dev/null || echo '/.jre/' >> "$top/.git/info/exclude"
du -sh "$out"
"$out/bin/java" -version
