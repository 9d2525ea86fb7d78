#!/usr/bin/env bash
# A Spark standalone cluster on this machine, started as Spark's own scripts start one (spark-class runs
# org.apache.spark.deploy.master.Master and ...worker.Worker), from the Spark jars Maven resolved for the build
# (there is no Spark distribution here), then spark-submit (org.apache.spark.deploy.SparkSubmit) of the
# one-command jar's `train --workers W`. The measurement behind docs/distributed.md. Usage:
#   benchmarks/spark-standalone.sh WORKERS CORES_PER_WORKER [train arguments...]
#   e.g. benchmarks/spark-standalone.sh 2 1 --data debian --student resnet20 --precision fp32 --scheme none --epochs 1 --out runs/spark2
# Needs a build (mvn -B -q -DskipTests install), or APPRENTICE_JAR=a copy of the jar. Logs of the master and workers go to $SPARK_LOGS (default /tmp/spark-standalone).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/.." && pwd)"
workers="${1:?usage: spark-standalone.sh WORKERS CORES_PER_WORKER [train arguments]}"
cores="${2:?usage: spark-standalone.sh WORKERS CORES_PER_WORKER [train arguments]}"
shift 2
java=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$home" ] && [ -x "$home/bin/java" ] && "$home/bin/java" -version 2>&1 | grep -q 'version "25'; then java="$home/bin/java"; export JAVA_HOME="$home"; break; fi
done
[ -n "$java" ] || { echo "no Java 25 found (set JAVA_HOME)" >&2; exit 1; }
jar="${APPRENTICE_JAR:-$top/distill/target/apprentice-engine.jar}"   # a copy keeps a long run safe from rebuilds
[ -f "$jar" ] || { echo "no $jar: build first with 'mvn -B -q -DskipTests install'" >&2; exit 1; }
logs="${SPARK_LOGS:-/tmp/spark-standalone}"
mkdir -p "$logs"
# Spark and what it needs (the provided scope of distill), without our own modules (they are in the jar)
(cd "$top" && mvn -B -q -o dependency:build-classpath -pl distill -Dmdep.includeScope=provided -Dmdep.outputFile="$logs/classpath" >/dev/null)
cp="$(tr ':' '\n' < "$logs/classpath" | grep -v '/dev/apprentice/' | paste -sd:)"
opens="$(sed -n 's:.*<spark.opens>\(.*\)</spark.opens>.*:\1:p' "$top/pom.xml")"
# a Spark home as a distribution lays it out (RELEASE, jars/): the workers build their executors' class path from it
home="$logs/home"
rm -rf "$home" && mkdir -p "$home/jars" && touch "$home/RELEASE"
tr ':' '\n' <<<"$cp" | while read -r j; do ln -s "$j" "$home/jars/"; done
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13
port=$((17000 + RANDOM % 1000))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
"$java" $opens -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0 >"$logs/master.log" 2>&1 &
pids+=($!)
sleep 4
for ((w = 1; w <= workers; w++)); do
  "$java" $opens -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker --cores "$cores" --memory 6g --host 127.0.0.1 --webui-port 0 \
    --work-dir "$logs/work-$w" "spark://127.0.0.1:$port" >"$logs/worker-$w.log" 2>&1 &
  pids+=($!)
done
for ((i = 0; i < 60; i++)); do
  [ "$(grep -c 'Registering worker' "$logs/master.log" || true)" -ge "$workers" ] && break
  sleep 1
done
echo "cluster: master spark://127.0.0.1:$port, $workers worker(s) of $cores core(s); host: $(lscpu | sed -n 's/^Model name: *//p')" >&2
"$java" $opens --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx2g -cp "$cp" org.apache.spark.deploy.SparkSubmit --master "spark://127.0.0.1:$port" \
  --class dev.apprentice.distill.cli.Cli \
  --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" --conf spark.executor.memory=5g --conf spark.cores.max=$((workers * cores)) \
  --conf "spark.executor.extraJavaOptions=$opens --add-modules jdk.incubator.vector -XX:+UseParallelGC" --conf spark.ui.enabled=false \
  "$jar" train --workers "$workers" "$@"
