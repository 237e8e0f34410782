package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Reruns that remember where they came from: the new job (a sweep's new parent) is recorded as a rerun
 * of the old one in {@code job_reruns}, which the state history shows as links both ways. The record
 * is written once the rerun is committed; lineage is a note for people, so a crash between the two
 * loses only the note, never the job.
 */
public final class Reruns {
  private final JobService jobs;
  private final Pool pool;

  public Reruns(JobService jobs, Pool pool) {
    this.jobs = jobs;
    this.pool = pool;
  }

  public Future<Job> rerun(User user, String jobId) {
    return jobs.rerun(user, jobId).compose(created -> pool.preparedQuery(
            "INSERT INTO job_reruns (job_id, rerun_of) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING")
        .execute(Tuple.of(created.id(), jobId)).map(created));
  }
}
