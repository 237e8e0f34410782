package io.trainyard.logs;

import io.vertx.core.json.JsonObject;

/**
 * How followed logs are read and their progress stored (the {@code logs} config section).
 *
 * @param coalesceMs         after the first change of a log, how long to wait for more before reading it:
 *                           a burst of lines goes out as one {@code job_log} event
 * @param safetyPollMs       every followed log is also checked this often, for changes the file system
 *                           did not report (a notification overflow, a file system without them)
 * @param changeNotification whether to ask the file system for change notifications at all; without
 *                           them only the safety poll reads the logs
 * @param progressEventMs    least time between two {@code job_progress} events of a job: a log is read
 *                           about once a line, and a line almost always changes last_log, so unthrottled
 *                           every line would also go to the owner's and the admins' sockets
 * @param persistMs          parsed progress is written to the job at most this often
 */
public record FollowSettings(long coalesceMs, long safetyPollMs, boolean changeNotification, long progressEventMs,
    long persistMs) {
  static final long DEFAULT_COALESCE_MS = 15;
  static final long DEFAULT_SAFETY_POLL_MS = 1000;
  /** The rate the 150 ms poll used to give. */
  static final long DEFAULT_PROGRESS_EVENT_MS = 150;
  static final long DEFAULT_PERSIST_MS = 1000;

  public FollowSettings {
    // Vert.x timers need at least 1 ms.
    coalesceMs = Math.max(1, coalesceMs);
    safetyPollMs = Math.max(1, safetyPollMs);
  }

  /**
   * Reads the {@code logs} section. A config from before change notification only has {@code batch_ms}
   * (the poll period, which also bounded how long appended bytes waited); without {@code coalesce_ms}
   * it keeps that meaning as the window, so such a config still batches as it asked.
   */
  public static FollowSettings from(JsonObject logs) {
    long coalesce = logs.getLong("coalesce_ms", logs.getLong("batch_ms", DEFAULT_COALESCE_MS));
    return new FollowSettings(coalesce, logs.getLong("safety_poll_ms", DEFAULT_SAFETY_POLL_MS),
        logs.getBoolean("change_notification", true), logs.getLong("progress_event_ms", DEFAULT_PROGRESS_EVENT_MS),
        logs.getLong("progress_persist_ms", DEFAULT_PERSIST_MS));
  }
}
