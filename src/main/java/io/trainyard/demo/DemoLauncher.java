package io.trainyard.demo;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Process plumbing shared by the demo jobs: turns SIGTERM into a cooperative stop request and
 * maps the job's result to the process exit code.
 */
final class DemoLauncher {

  /** Exit status of a job that honoured a stop request; matches what a shell reports for SIGTERM. */
  static final int STOPPED = 143;
  static final String STOP_LINE = "received stop signal, stopping";

  // How long the shutdown hook lets the main loop print its stop line before the JVM halts.
  private static final long ACK_TIMEOUT_MS = 2_000;
  // Sleep granularity, so a stop request is noticed quickly even with long step delays.
  private static final long SLEEP_SLICE_MS = 20;

  interface Job {
    int run(Map<String, String> env, PrintStream out, BooleanSupplier stopRequested);
  }

  private static volatile boolean stopRequested;

  private DemoLauncher() {
  }

  static void launch(Job job) {
    CountDownLatch finished = new CountDownLatch(1);
    // The hook runs on SIGTERM (and on every normal exit, where finished is already counted
    // down). The JVM halts as soon as hooks return, so wait for the job to acknowledge.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopRequested = true;
      try {
        finished.await(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.out.flush();
    }, "trainyard-demo-stop"));

    int code;
    try {
      // First line: the devices this run may use, as the server assigned them (empty: no GPU).
      System.out.println("CUDA_VISIBLE_DEVICES=" + System.getenv().getOrDefault("CUDA_VISIBLE_DEVICES", ""));
      code = job.run(System.getenv(), System.out, () -> stopRequested);
    } finally {
      System.out.flush();
      finished.countDown();
    }
    // During a SIGTERM shutdown this blocks and the JVM exits with 143 from the signal itself.
    System.exit(code);
  }

  static void say(PrintStream out, String line) {
    out.println(line);
    out.flush();
  }

  /**
   * Sleeps up to {@code ms}, returning early with true if a stop is requested (or the thread is
   * interrupted, which we treat the same way).
   */
  static boolean sleepUnlessStopped(long ms, BooleanSupplier stopRequested) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (true) {
      if (stopRequested.getAsBoolean()) {
        return true;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Math.min(left, SLEEP_SLICE_MS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
  }

  /** Shared tail of a job's run(): turns failures into the final ERROR line and exit code. */
  static int fail(PrintStream out, JobFailure f) {
    // One line only: the server reports the log's last line as the failure reason.
    say(out, "ERROR: " + String.valueOf(f.getMessage()).replaceAll("\\s*\\R\\s*", " "));
    return f.exitCode;
  }

  static int stopped(PrintStream out) {
    say(out, STOP_LINE);
    return STOPPED;
  }
}
