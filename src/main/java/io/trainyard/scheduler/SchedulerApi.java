package io.trainyard.scheduler;

/** Event-bus contract of {@link SchedulerVerticle}. */
public final class SchedulerApi {
  /**
   * Fire-and-forget (send or publish, any body): something changed that may let a queued job start
   * (a submission, an exit, a cancel, a user's mode). Wakes coalesce: one pass runs at a time, and
   * any number of wakes during it cause exactly one more. Each node claims for itself.
   */
  public static final String WAKE = "scheduler.wake";

  /**
   * Request (any body), per node: replies {@code {wakes, passes, started, failed_passes}} counted
   * since this node's scheduler started, so the coalescing of wakes into passes can be seen.
   */
  public static String stats(String nodeId) {
    return "scheduler." + nodeId + ".stats";
  }

  private SchedulerApi() {
  }
}
