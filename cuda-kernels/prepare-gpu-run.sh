#!/usr/bin/env bash
# Run HERE (the build machine, no GPU needed) before carrying the GPU tests or the benchmark to a
# GPU machine that has no JDK and no Maven: builds
#   .jre/                      a small Java 25 runtime (cuda-kernels/runtime-jre.sh)
#   cuda-kernels/target/gpu/   cuda-bench.jar (kernels, host side, JCuda), the test classes and
#                              the JUnit console launcher
# Both paths are git-ignored; name them in the device call's `carry` (docs/gpu.md).
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
mvn -B -q -DskipTests package -pl cuda-kernels -am   # also compiles the test classes
out=cuda-kernels/target/gpu
rm -rf "$out"
mkdir -p "$out"
cp cuda-kernels/target/cuda-bench.jar "$out/"
cp -r cuda-kernels/target/test-classes "$out/test-classes"
junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)
platform=1.${junit#5.}   # JUnit 5.x.y ships platform 1.x.y
mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" -DoutputDirectory="$out"
mv "$out"/junit-platform-console-standalone-*.jar "$out/junit-console.jar"
[ -x .jre/bin/java ] || "$top/cuda-kernels/runtime-jre.sh"
du -sh .jre "$out"
