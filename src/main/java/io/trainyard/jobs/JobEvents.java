package io.trainyard.jobs;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * The push contract: status changes go to the owner's address and to {@code jobs.all}. Callers
 * publish only after PostgreSQL holds the state, so nobody sees a state the database does not.
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

  public static void statusChanged(EventBus bus, JsonObject job) {
    JsonObject event = new JsonObject().put("type", "job_status_changed").put("job_id", job.getString("job_id"))
        .put("status", job.getString("status")).put("job", job);
    publish(bus, job.getLong("owner_user_id"), event);
  }

  /**
   * Publishes a job's change and, for a sweep shard, its parent's (whose status the database derives
   * from its shards).
   */
  public static void statusChanged(EventBus bus, JsonObject job, JobRepository jobs) {
    statusChanged(bus, job);
    String parent = job.getString("parent_id");
    if (parent != null) {
      jobs.find(parent, null).onSuccess(p -> p.ifPresent(j -> statusChanged(bus, j)));
    }
  }

  public static void progress(EventBus bus, long owner, JsonObject event) {
    publish(bus, owner, event);
  }

  private static void publish(EventBus bus, Long owner, JsonObject event) {
    bus.publish(USER_PREFIX + owner, event);
    bus.publish(ALL, event);
  }
}
