package io.trainyard.jobs;

import io.vertx.core.Future;

/**
 * What the job services ask of whoever runs a job: the node supervising its process, or the provider
 * running it in the cloud. The composition root plugs in the bus clients of those verticles, so jobs/
 * depends on no verticle.
 */
public interface JobControl {
  /**
   * Settles a running job whose process is gone; answers false when the job's node did not answer
   * (another node on the same PostgreSQL but not on this bus, or one that is down).
   */
  Future<Boolean> settle(Job job);

  /** SIGTERM to the job's process group, SIGKILL after the grace; false when its node did not answer. */
  Future<Boolean> cancel(Job job);

  /** SIGKILL now; completes once the exit is recorded; false when its node did not answer. */
  Future<Boolean> kill(Job job);

  /**
   * Removes a deleted job's files ({@code artifacts_dir}) on the node that ran it, whose disk holds
   * them; false when that node did not answer.
   */
  Future<Boolean> purge(Job job);

  /** Cancels a cloud job at its provider (the caller has checked visibility). */
  Future<Void> cancelCloud(String jobId);
}
