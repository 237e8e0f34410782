package io.trainyard.retention;

/** Event-bus contract of {@link RetentionVerticle}. */
public final class RetentionApi {
  /**
   * Request, local (any body): runs a retention pass now (or joins the one running) and replies
   * {@code {archived, deleted, enabled}} for it. Operators and tests use it; the verticle itself runs
   * one every {@code retention.interval_minutes}.
   */
  public static final String RUN = "retention.run";

  private RetentionApi() {
  }
}
