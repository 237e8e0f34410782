package io.trainyard.cli;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.Set;

/** What the commands share about job records: terminal states, the outcome's exit code, waiting. */
final class Jobs {
  static final Set<String> TERMINAL = Set.of("success", "failed", "canceled");
  /** Polling bounds of --wait and logs -f: quick for short jobs, gentle on the server for long ones. */
  private static final long FIRST_PAUSE_MS = 100;
  private static final long MAX_PAUSE_MS = 2000;

  private Jobs() {
  }

  static JsonObject get(Rest rest, String id) {
    return rest.get("/api/jobs/" + Rest.q(id)).getJsonObject("job");
  }

  static boolean terminal(JsonObject job) {
    return TERMINAL.contains(job.getString("status"));
  }

  static int exitCode(JsonObject job) {
    return "success".equals(job.getString("status")) ? Exit.OK : Exit.JOB_FAILED;
  }

  /** Polls the job until it ends; the CLI has no event stream, and a poll is one cheap GET. */
  static JsonObject await(Rest rest, String id) {
    long pause = FIRST_PAUSE_MS;
    while (true) {
      JsonObject job = get(rest, id);
      if (terminal(job)) {
        return job;
      }
      sleep(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Trouble("interrupted", e);
    }
  }

  /** One line on the outcome; the error goes to stderr so scripts can keep stdout clean. */
  static void report(JsonObject job, PrintWriter out, PrintWriter err) {
    String line = "job " + job.getString("job_id") + " " + job.getString("status");
    if ("success".equals(job.getString("status"))) {
      out.println(line);
    } else {
      err.println(line + (job.getString("error") != null ? ": " + job.getString("error") : ""));
    }
  }

  static String text(Object v) {
    return v == null ? "-" : String.valueOf(v);
  }
}
