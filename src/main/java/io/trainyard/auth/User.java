package io.trainyard.auth;

import io.trainyard.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/** A signed-in or stored user; {@link #toJson()} is the contract's user object. */
public record User(long id, String username, boolean isAdmin, String scheduleMode, OffsetDateTime createdAt) {

  static User from(Row row) {
    return new User(row.getLong("id"), row.getString("username"), row.getBoolean("is_admin"),
        row.getString("schedule_mode"), row.getOffsetDateTime("created_at"));
  }

  /** The inverse of {@link #toJson()}, for a user carried in an event-bus request. */
  public static User fromJson(JsonObject json) {
    String created = json.getString("created_at");
    return new User(json.getLong("id"), json.getString("username"), json.getBoolean("is_admin", false),
        json.getString("schedule_mode"), created == null ? null : OffsetDateTime.parse(created));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("username", username).put("is_admin", isAdmin)
        .put("schedule_mode", scheduleMode).put("created_at", Times.iso(createdAt));
  }
}
