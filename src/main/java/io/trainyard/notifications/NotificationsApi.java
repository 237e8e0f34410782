package io.trainyard.notifications;

/** Event-bus contract of {@link NotificationsVerticle}. */
public final class NotificationsApi {
  /**
   * Fire-and-forget, local (any body): deliveries may be due now (a job ended). Wakes coalesce into
   * at most one more pass; without any, the sender still looks every {@code notifications.poll_ms}.
   */
  public static final String WAKE = "notifications.wake";

  /** Request, local (any body): replies {@code {passes, sent, delivered, failed_attempts, given_up}} since start. */
  public static final String STATS = "notifications.stats";

  private NotificationsApi() {
  }
}
