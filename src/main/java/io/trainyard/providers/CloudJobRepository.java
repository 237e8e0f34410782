package io.trainyard.providers;

import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobStatus;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cloud jobs' own reads of the {@code jobs} table and the writes that are not status changes (the
 * provider's id, a refused submission's removal), plus webhook ids and the poll lease; status changes
 * go through {@link io.trainyard.jobs.JobLedger}. Records are read
 * back through {@link JobRepository#find} so a cloud job has exactly the JobRecord shape of a local one.
 */
final class CloudJobRepository {
  static final String ACTIVE = JobStatus.sql(JobStatus.active());
  private final Pool pool;
  private final JobRepository jobs;

  CloudJobRepository(Pool pool, JobRepository jobs) {
    this.pool = pool;
    this.jobs = jobs;
  }

  /** A reference to an active cloud job the poller refreshes. */
  record Ref(String jobId, String externalId, String kind) {
  }

  Future<Optional<Job>> find(String jobId) {
    return jobs.find(jobId, null);
  }

  /** Records the provider's id; false if another local job already holds it (a sync imported it meanwhile). */
  Future<Boolean> acknowledge(String jobId, String externalId) {
    return pool.preparedQuery("UPDATE jobs SET external_id = $2, updated_at = clock_timestamp() WHERE job_id = $1")
        .execute(Tuple.of(jobId, externalId)).map(r -> true)
        .recover(err -> uniqueViolation(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  /** Removes a submission the provider refused (so a failed submit leaves no trace). */
  Future<Void> deletePending(String jobId) {
    return pool.preparedQuery("DELETE FROM jobs WHERE job_id = $1 AND status = 'pending' AND external_id IS NULL")
        .execute(Tuple.of(jobId)).mapEmpty();
  }

  Future<Optional<String>> jobIdByExternal(String provider, String externalId) {
    return pool.preparedQuery("SELECT job_id FROM jobs WHERE provider = $1 AND external_id = $2")
        .execute(Tuple.of(provider, externalId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** Whether a submission to this provider is waiting for its acknowledgement to be written. */
  Future<Boolean> hasUnacknowledged(String provider) {
    return pool.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM jobs WHERE provider = $1 AND status = 'pending' AND external_id IS NULL
              AND created_at > clock_timestamp() - interval '5 minutes')""")
        .execute(Tuple.of(provider)).map(r -> r.iterator().next().getBoolean(0));
  }

  /** The params ({kind, version, ...}) of this provider's submissions still waiting for their acknowledgement. */
  Future<List<io.vertx.core.json.JsonObject>> unacknowledgedParams(String provider) {
    return pool.preparedQuery("""
            SELECT params FROM jobs WHERE provider = $1 AND status = 'pending' AND external_id IS NULL
              AND created_at > clock_timestamp() - interval '5 minutes'""")
        .execute(Tuple.of(provider)).map(rows -> {
          List<io.vertx.core.json.JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getJsonObject(0)));
          return out;
        });
  }

  /**
   * Which of these provider ids are known: a local job (of any owner) has them, or had them and was
   * deleted (kept in {@code cloud_forgotten}, so no later sync brings a deleted job back).
   */
  Future<Set<String>> knownExternalIds(String provider, List<String> externalIds) {
    return pool.preparedQuery("""
            SELECT external_id FROM jobs WHERE provider = $1 AND external_id = ANY($2)
            UNION SELECT external_id FROM cloud_forgotten WHERE provider = $1 AND external_id = ANY($2)""")
        .execute(Tuple.tuple().addString(provider).addArrayOfString(externalIds.toArray(new String[0])))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /**
   * One page of the active, acknowledged cloud jobs of a provider after {@code afterJobId} (keyset
   * paging, so every active job is visited however many there are); {@code owner} null = every user.
   */
  Future<List<Ref>> activePage(String provider, Long owner, String afterJobId, int limit) {
    return pool.preparedQuery("""
            SELECT job_id, external_id, params->>'kind' AS kind FROM jobs
            WHERE provider = $1 AND provider <> 'local' AND status IN """ + ACTIVE + """
               AND external_id IS NOT NULL AND job_id > $2 AND ($3::bigint IS NULL OR owner_user_id = $3)
            ORDER BY job_id LIMIT $4""")
        .execute(Tuple.of(provider, afterJobId, owner, limit))
        .map(rows -> {
          List<Ref> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Ref(r.getString("job_id"), r.getString("external_id"), r.getString("kind"))));
          return out;
        });
  }

  /** True the first time a webhook id is seen (on any node, across restarts). */
  Future<Boolean> firstDelivery(String provider, String webhookId) {
    return pool.preparedQuery("""
            INSERT INTO webhook_deliveries(provider, webhook_id) VALUES ($1, $2) ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(provider, webhookId)).map(r -> r.rowCount() == 1);
  }

  /** Forgets a delivery we could not apply, so the provider's retry is not taken for a replay. */
  Future<Void> forgetDelivery(String provider, String webhookId) {
    return pool.preparedQuery("DELETE FROM webhook_deliveries WHERE provider = $1 AND webhook_id = $2")
        .execute(Tuple.of(provider, webhookId)).mapEmpty();
  }

  /** Old ids can go: a delivery older than the signature tolerance is refused by its timestamp anyway. */
  Future<Integer> pruneDeliveries(long olderThanSeconds) {
    return pool.preparedQuery("DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) olderThanSeconds)).map(r -> r.rowCount());
  }

  /** Takes or renews the poll lease; false while another node holds an unexpired one. */
  Future<Boolean> holdLease(String name, String holder, long seconds) {
    return pool.preparedQuery("""
            INSERT INTO provider_poll_lease(name, holder, expires_at)
            VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
            ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = clock_timestamp() + make_interval(secs => $3)
            WHERE provider_poll_lease.holder = $2 OR provider_poll_lease.expires_at < clock_timestamp()
            RETURNING holder""")
        .execute(Tuple.of(name, holder, (double) seconds)).map(r -> r.rowCount() == 1);
  }

  Future<Void> releaseLease(String name, String holder) {
    return pool.preparedQuery("DELETE FROM provider_poll_lease WHERE name = $1 AND holder = $2")
        .execute(Tuple.of(name, holder)).mapEmpty();
  }

  static boolean uniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
