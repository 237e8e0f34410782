package io.trainyard.jobs;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full or unwritable data directory: submissions (single and batch) answer 507 problem+json saying
 * so and create nothing, a running job keeps its state and finishes once the disk is back.
 *
 * <p>The strongest simulation this machine allows: a small tmpfs mounted as the data directory and
 * filled up (real ENOSPC) when mount works (root with CAP_SYS_ADMIN), else the jobs directory
 * replaced by a plain file (real ENOTDIR for every write under it). Either way the same assertions run
 * ({@code -Dtrainyard.test.no_mount=true} runs the fallback where mount works).
 */
class DiskTroubleTest {

  @Test
  void aFullOrUnwritableDataDirRefusesSubmissionsWith507AndLeavesRunningJobsAlone() throws Exception {
    Path data = Files.createTempDirectory("trainyard-disk");
    boolean mounted = mountTmpfs(data);
    try (TestServer server = TestServer.start(c -> {
      AppConfig.put(c, "data_dir", data.toString());
      AppConfig.put(c, "jobs.min_free_mb", 1);
      TestServer.script(c, "train", "restart_job.sh");
    })) {
      Api u = server.user("disk", "parallel");
      JsonObject running = u.train(new JsonObject().put("epochs", 12)); // waits for its `go` file, then exits 0
      String id = running.getString("job_id");
      u.awaitJob(id, j -> j.getInteger("pid") != null, Duration.ofSeconds(30));
      Path jobs = data.resolve("artifacts/jobs");
      Path moved = data.resolve("artifacts/jobs-away");
      Path filler = data.resolve("filler");

      if (mounted) {
        fill(filler);
      } else {
        Files.move(jobs, moved);
        Files.writeString(jobs, "not a directory");
      }
      JsonObject problem = Await.until("a 507 for a submission", Duration.ofSeconds(10),
          () -> u.post("/api/jobs/train", quick()), r -> r.status() != 200).problem(507);
      assertTrue(problem.getString("detail").contains("data directory"), problem.encode());
      // The disk's state is kept for a second, so submissions in the moment it filled may have passed.
      int total = u.get("/api/jobs/counts").expect(200).json().getInteger("total");
      u.post("/api/jobs/train", quick()).problem(507);
      JsonObject batch = u.post("/api/jobs/batch", new JsonObject().put("jobs", new io.vertx.core.json.JsonArray()
          .add(quick().put("job_type", "train"))))
          .problem(507);
      assertTrue(batch.getString("detail").contains("data directory"), batch.encode());
      assertEquals(total, u.get("/api/jobs/counts").expect(200).json().getInteger("total"), "nothing was created");
      assertEquals("running", u.job(id).getString("status"), "the running job keeps its state");

      if (mounted) {
        Files.delete(filler);
      } else {
        Files.delete(jobs);
        Files.move(moved, jobs);
      }
      Files.createFile(jobs.resolve(id).resolve("go"));
      assertEquals(0, u.awaitStatus(id, "success").getInteger("exit_code"));
      String again = Await.until("submissions accepted again", Duration.ofSeconds(10), () -> u.post("/api/jobs/train", quick()),
          r -> r.status() == 200).json().getJsonObject("job").getString("job_id");
      assertEquals("success", u.awaitStatus(again, "success").getString("status"));
    } finally {
      if (mounted) {
        new ProcessBuilder("umount", "-l", data.toString()).inheritIO().start().waitFor();
      }
      new ProcessBuilder("rm", "-rf", "--", data.toString()).inheritIO().start().waitFor();
    }
  }

  /** A submission whose program (restart_job.sh, epochs < 10) exits at once: no process outlives the test. */
  private static JsonObject quick() {
    return new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 4);
  }

  /** A 16 MiB tmpfs over {@code dir}; false where this process may not mount (then the fallback runs). */
  private static boolean mountTmpfs(Path dir) throws Exception {
    if (Boolean.getBoolean("trainyard.test.no_mount")) {
      System.out.println("disk trouble: mount not tried (trainyard.test.no_mount), simulating an unwritable data directory");
      return false;
    }
    try {
      Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dir.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      boolean ok = p.waitFor() == 0;
      System.out.println(ok ? "disk trouble: a real full tmpfs" : "disk trouble: mount refused (" + out.strip()
          + "), simulating an unwritable data directory instead");
      return ok;
    } catch (IOException e) {
      System.out.println("disk trouble: no mount command (" + e + "), simulating an unwritable data directory instead");
      return false;
    }
  }

  /** Writes until the file system says it is full. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      assertTrue(String.valueOf(e.getMessage()).contains("No space left"), String.valueOf(e));
    }
  }
}
