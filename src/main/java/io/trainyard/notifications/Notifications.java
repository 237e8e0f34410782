package io.trainyard.notifications;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.trainyard.jobs.Ids;
import io.trainyard.jobs.JobRepository;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A user's notification endpoints: register (the signing secret is shown in that answer only), list,
 * remove. Each user sees and removes only their own; the deliveries are enqueued by the database when
 * a job of theirs ends (migration V010) and sent by {@link NotificationsVerticle}.
 */
public final class Notifications {
  public static final List<String> EVENTS = List.of("job.succeeded", "job.failed", "job.canceled");
  private final Vertx vertx;
  private final Pool pool;
  /** Completed before the routes are served (start-up waits for it). */
  private final Future<SecretBox> box;
  private final Destinations destinations;
  private final int maxPerUser;

  /** The service the routes call and the sender verticle, sharing the data directory's sealing key. */
  public record Parts(Notifications service, VerticleBase sender) {
  }

  /** Builds both parts from {@code notifications.*} settings, sealing secrets with {@code box}. */
  public static Parts create(Vertx vertx, Pool pool, JobRepository jobs, Future<SecretBox> box, JsonObject conf) {
    Destinations destinations = new Destinations(conf.getBoolean("allow_private", false));
    return new Parts(new Notifications(vertx, pool, box, destinations, conf.getInteger("max_endpoints_per_user", 20)),
        new NotificationsVerticle(pool, jobs, box, destinations, conf));
  }

  Notifications(Vertx vertx, Pool pool, Future<SecretBox> box, Destinations destinations, int maxPerUser) {
    this.vertx = vertx;
    this.pool = pool;
    this.box = box;
    this.destinations = destinations;
    this.maxPerUser = maxPerUser;
  }

  public Future<JsonObject> create(User user, JsonObject body) {
    Validation v = new Validation();
    Object url = body.getValue("url");
    if (!(url instanceof String u) || u.isBlank()) {
      v.add("url", "must be an http or https URL");
    } else {
      Destinations.formProblem(u.strip()).ifPresent(p -> v.add("url", p));
    }
    Set<String> events = new LinkedHashSet<>();
    Object raw = body.getValue("events");
    if (!(raw instanceof JsonArray arr) || arr.isEmpty()) {
      v.add("events", "must be a non-empty list of " + String.join(", ", EVENTS));
    } else {
      for (Object e : arr) {
        if (!(e instanceof String s) || !EVENTS.contains(s)) {
          v.add("events", "every entry must be one of " + String.join(", ", EVENTS));
          break;
        }
        events.add(s);
      }
    }
    body.fieldNames().stream().filter(f -> !f.equals("url") && !f.equals("events")).sorted()
        .forEach(f -> v.add(f, "unknown field"));
    v.throwIfInvalid();
    String target = ((String) url).strip();
    String secret = SecretBox.newSecret();
    String id = "ntf_" + Ids.ulid();
    return vertx.executeBlocking(() -> destinations.refusal(target), false)
        .compose(refusal -> refusal.isPresent()
            ? Future.failedFuture(DomainException.invalid("url", refusal.get()))
            // The count and the insert are one statement, so concurrent registrations cannot pass the bound.
            : pool.preparedQuery("""
                    INSERT INTO notification_endpoints(endpoint_id, owner_user_id, url, events, secret_sealed)
                    SELECT $1, $2, $3, $4, $5
                     WHERE (SELECT count(*) FROM notification_endpoints WHERE owner_user_id = $2) < $6
                    RETURNING *""")
                .execute(Tuple.of(id, user.id(), target, events.toArray(new String[0]), box.result().seal(secret), maxPerUser)))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(DomainException.conflict("At most " + maxPerUser + " notification endpoints per user"))
            : Future.succeededFuture(new JsonObject().put("endpoint",
                toJson(rows.iterator().next(), null).put("secret", secret))));
  }

  public Future<JsonObject> list(User user) {
    return pool.preparedQuery("""
            SELECT e.*, d.last_at, d.last_status, d.last_error, d.delivered, d.pending, d.given_up
              FROM notification_endpoints e
              LEFT JOIN LATERAL (
                SELECT max(coalesce(delivered_at, given_up_at, next_at)) FILTER (WHERE attempts > 0) AS last_at,
                       (array_agg(last_status ORDER BY id DESC) FILTER (WHERE attempts > 0))[1] AS last_status,
                       (array_agg(last_error ORDER BY id DESC) FILTER (WHERE attempts > 0))[1] AS last_error,
                       count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                       count(*) FILTER (WHERE delivered_at IS NULL AND given_up_at IS NULL) AS pending,
                       count(*) FILTER (WHERE given_up_at IS NOT NULL) AS given_up
                  FROM notification_deliveries WHERE endpoint_id = e.id) d ON true
             WHERE e.owner_user_id = $1 ORDER BY e.id""")
        .execute(Tuple.of(user.id()))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(toJson(r, new JsonObject().put("delivered", r.getLong("delivered"))
              .put("pending", r.getLong("pending")).put("given_up", r.getLong("given_up"))
              .put("last_status", r.getInteger("last_status")).put("last_error", r.getString("last_error")))));
          return new JsonObject().put("items", items);
        });
  }

  public Future<JsonObject> delete(User user, String id) {
    if (!Ids.plausible(id)) {
      return Future.failedFuture(DomainException.notFound("Notification endpoint not found"));
    }
    return pool.preparedQuery("DELETE FROM notification_endpoints WHERE endpoint_id = $1 AND owner_user_id = $2")
        .execute(Tuple.of(id, user.id()))
        .compose(r -> r.rowCount() == 0
            ? Future.failedFuture(DomainException.notFound("Notification endpoint not found"))
            : Future.succeededFuture(new JsonObject().put("deleted", true)));
  }

  private static JsonObject toJson(Row r, JsonObject deliveries) {
    JsonObject out = new JsonObject().put("id", r.getString("endpoint_id")).put("url", r.getString("url"))
        .put("events", new JsonArray(List.of(r.getArrayOfStrings("events"))))
        .put("created_at", Times.iso(r.getOffsetDateTime("created_at")));
    if (deliveries != null) {
      out.put("deliveries", deliveries);
    }
    return out;
  }
}
