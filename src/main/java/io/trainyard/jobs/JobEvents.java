package io.trainyard.jobs;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * The push contract: a job's changes go to its owner's address and to {@code jobs.all}. Status
 * changes are published only by {@link JobLedger}, after PostgreSQL holds them, so nobody sees a
 * state the database does not; progress and log events come from whoever follows the job.
 */
public final class JobEvents {
  /** Status and progress of every job of one user. */
  public static final String USER_PREFIX = "jobs.user.";
  /** Every job, for admins. */
  public static final String ALL = "jobs.all";
  /** Log lines of one job. */
  public static final String LOG_PREFIX = "jobs.log.";

  private JobEvents() {
  }

  static void statusChanged(EventBus bus, Job job) {
    JsonObject event = new JsonObject().put("type", "job_status_changed").put("job_id", job.id())
        .put("status", job.status().wire()).put("job", job.toJson());
    publish(bus, job.ownerId(), event);
  }

  public static void progress(EventBus bus, long owner, JsonObject event) {
    publish(bus, owner, event);
  }

  private static void publish(EventBus bus, long owner, JsonObject event) {
    bus.publish(USER_PREFIX + owner, event);
    bus.publish(ALL, event);
  }
}
