package io.trainyard.providers;

/**
 * Event-bus contract of {@link ProviderPollerVerticle} (deployed on every node, polling or not).
 * Failures are answered with HTTP statuses as failure codes, like the other services.
 */
public final class ProvidersApi {
  /**
   * Request {@code {job_id}}: cancel a cloud job at its provider (the caller has checked that the user
   * may see it). Reply: the JobRecord. Failures: 400 already finished, 404 unknown job, 429/502/503
   * provider trouble.
   */
  public static final String CANCEL = "providers.job.cancel";

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
