package io.trainyard.providers;

/**
 * Event-bus contract of {@link ProvidersVerticle}, the one owner of cloud work (deployed on every node).
 * Requests that act for a user carry {@code user}: the caller's user object ({@code {id, username,
 * is_admin, ...}}), and the verticle checks visibility itself. Failures carry the domain failure
 * (see {@link io.trainyard.domain.DomainException#reply}): 400 invalid, 401 bad signature, 404 unknown
 * job or provider, 429 provider rate limit, 502 provider refused, 503 provider unreachable or not configured.
 */
public final class ProvidersApi {
  /** Request {@code {user, body}}: validate and submit a cloud job. Reply: the acknowledged JobRecord. */
  public static final String SUBMIT = "providers.job.submit";

  /**
   * Request {@code {user, query: {param: value}, sync_active}}: the caller's cloud jobs, refreshed
   * from the provider first with {@code sync_active}. Reply {@code {jobs, total, limit, offset, sync_error?}}.
   */
  public static final String LIST = "providers.job.list";

  /** Request {@code {user, provider}}: import the account's newest jobs. Reply {@code {synced, updated, message}}. */
  public static final String SYNC = "providers.job.sync";

  /** Request {@code {user, job_id}}: stored progress of a cloud job. Reply {@code {job_id, stage, last_log, progress, eta_seconds}}. */
  public static final String INLINE_PROGRESS = "providers.job.progress";

  /**
   * Request {@code {job_id, user?}}: cancel a cloud job at its provider. Without {@code user} the caller
   * has already checked that the user may see the job (the generic cancel and flush). Reply: the JobRecord.
   */
  public static final String CANCEL = "providers.job.cancel";

  /**
   * Request {@code {provider, headers: {webhook-id, webhook-timestamp, webhook-signature}, body}}: a webhook
   * delivery, its body the exact bytes received (a Buffer; base64 in the JSON encoding), since the
   * signature covers them. Reply {@code {applied, job_id, status}} or {@code {ignored}}.
   */
  public static final String WEBHOOK = "providers.webhook";

  /** Request {@code {provider}}: check the configured credentials. Reply {@code {provider, valid, detail}}. */
  public static final String VALIDATE = "providers.validate";

  /**
   * Request (any body): run one poll cycle now on this node, whether or not timed polling is on, and
   * reply with its summary {@code {started_at, finished_at, duration_ms, outcome, providers: {name: stats}}}.
   * For tests, benchmarks and operators.
   */
  public static final String POLL_NOW = "providers.poll.now";

  /** Request (any body): reply with the poller's state, as shown under {@code poller} in {@code /api/health}. */
  public static final String POLLER_STATUS = "providers.poller.status";

  private ProvidersApi() {
  }
}
