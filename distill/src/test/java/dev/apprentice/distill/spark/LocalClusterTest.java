package dev.apprentice.distill.spark;

import dev.apprentice.distill.parallel.DataParallelAccess;
import dev.apprentice.engine.tensor.Tensor;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark's local-cluster mode: a master and two workers in this JVM, each worker starting its executor as a JVM
 * of its own, as on a real cluster (the replicas meet over sockets between processes, the setup travels
 * serialized). Two replicas match one process; an executor JVM that halts mid-epoch is replaced by its worker
 * and the retried stage ends with the uninterrupted weights.
 */
class LocalClusterTest {
    @TempDir
    static Path tmp;

    @Test
    void twoExecutorJvmsMatchOneProcessAndAHaltedExecutorIsReplaced() throws Exception {
        // Spark's testing mode gives the executors this JVM's class path and takes its home from spark.test.home
        // instead of a distribution's SPARK_HOME; the launcher only needs that home's layout (jars/, and the
        // directory that names the Scala version), empty
        String testing = System.getProperty("spark.testing"), home = System.getProperty("spark.test.home");
        Path sparkHome = tmp.resolve("spark-home");
        Files.createDirectories(sparkHome.resolve("jars"));
        Files.createDirectories(sparkHome.resolve("launcher/target/scala-2.13"));
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.toString());
        SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("apprentice-local-cluster-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.extraJavaOptions", String.join(" ", moduleFlags()));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            Path two = tmp.resolve("two"), halted = tmp.resolve("halted");
            SparkTraining.Outcome o = SparkTrainingTest.train(sc, 2, two, null);
            assertEquals(0, o.retries());
            Map<String, Tensor> plain = SparkTrainingTest.weights(SparkTrainingTest.plainRun(tmp)), b = SparkTrainingTest.weights(two);
            double worst = DataParallelAccess.largestRelativeDifference(plain, b);
            assertTrue(worst < DataParallelAccess.TOLERANCE, "two executor JVMs differ from plain training by " + worst);

            SparkTraining.Outcome retried = SparkTrainingTest.train(sc, 2, halted, new SparkTraining.InjectedFailure(1, 2, 3, 1, true));
            assertTrue(retried.retries() >= 1, "the stage ran again after the executor was lost: " + retried.retries());
            Map<String, Tensor> c = SparkTrainingTest.weights(halted);
            for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), c.get(k).data(), "after the lost executor: " + k);
        } finally {
            restore("spark.testing", testing);
            restore("spark.test.home", home);
        }
    }

    /**
     * This JVM's flags that the executors need to compute as it does: module flags (--add-opens and --add-modules
     * with their values), system properties (Spark's opens come with some; the vector width's override) and -XX
     * flags (the vector width as CI sets it: -XX:UseAVX=2, -XX:MaxVectorSize=16).
     */
    private static List<String> moduleFlags() {
        List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments(), out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            if ((a.equals("--add-opens") || a.equals("--add-modules")) && i + 1 < in.size()) {
                out.add(a);
                out.add(in.get(++i));
            } else if (a.startsWith("--add-opens=") || a.startsWith("--add-modules=") || a.startsWith("-D") || a.startsWith("-XX:")) {
                out.add(a);
            }
        }
        return out;
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
