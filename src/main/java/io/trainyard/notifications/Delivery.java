package io.trainyard.notifications;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/** One claimed delivery: the event of one job for one endpoint, with what is needed to send it. */
record Delivery(long id, String jobId, String event, String jobStatus, int attempt, OffsetDateTime createdAt,
                String url, String sealedSecret, long ownerId) {

  static Delivery from(Row r) {
    return new Delivery(r.getLong("id"), r.getString("job_id"), r.getString("event"), r.getString("job_status"),
        r.getInteger("attempts"), r.getOffsetDateTime("created_at"), r.getString("url"),
        r.getString("secret_sealed"), r.getLong("owner_user_id"));
  }

  /** Standard Webhooks' message id: the same on every retry of this delivery, so receivers can drop repeats. */
  String webhookId() {
    return "msg_" + id;
  }
}
