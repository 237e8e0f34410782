package io.trainyard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trainyard.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs DemoTrain as the server does: a separate JVM whose stdout+stderr go to a log file, stopped
 * with SIGTERM. (The log file also matters for the test itself: Process.destroy() closes the
 * pipe streams, so lines printed after the signal could not be read through a pipe.)
 */
class DemoProcessTest {

  @TempDir
  Path dir;

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC}) // Process.destroy() is SIGTERM only on POSIX systems
  void sigtermStopsTrainingProcessWithExit143AndStopLine() throws Exception {
    Path csv = DemoJobs.demoCsv(dir);
    Path jobDir = dir.resolve("job");
    Path log = dir.resolve("job.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.trainyard.demo.DemoTrain")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS));
    pb.environment().put("TRAINYARD_DEMO_STEP_MS", "50");
    pb.environment().put("CUDA_VISIBLE_DEVICES", "2,3");

    Process process = pb.start();
    try {
      Await.until("the first step line", Duration.ofSeconds(30), () -> {
        String out = Files.readString(log);
        assertTrue(process.isAlive() || out.contains("epoch 1/10 step 1/80 "), "exited before the first step: " + out);
        return out;
      }, out -> out.contains("epoch 1/10 step 1/80 "));
      process.destroy();
      assertTrue(process.waitFor(15, TimeUnit.SECONDS), "did not exit after SIGTERM: " + Files.readString(log));

      List<String> lines = Files.readAllLines(log);
      assertEquals("CUDA_VISIBLE_DEVICES=2,3", lines.get(0), "the first line names the devices it was given");
      assertEquals(143, process.exitValue(), lines.toString());
      assertEquals("received stop signal, stopping", lines.get(lines.size() - 1), lines.toString());
      assertFalse(Files.exists(jobDir.resolve("model.json")));
    } finally {
      process.destroyForcibly();
    }
  }
}
