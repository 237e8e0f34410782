package io.trainyard.scheduler;

/** Event-bus contract of {@link SchedulerVerticle}. */
public final class SchedulerApi {
  /**
   * Fire-and-forget (send or publish, any body): something changed that may let a queued job start
   * (a submission, an exit, a cancel, a user's mode). Wakes coalesce; each node claims for itself.
   */
  public static final String WAKE = "scheduler.wake";

  private SchedulerApi() {
  }
}
