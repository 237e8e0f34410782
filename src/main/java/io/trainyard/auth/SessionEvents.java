package io.trainyard.auth;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Sign-in changes that live channels (SSE streams, bridge sockets) must follow: a logout, a password
 * change, a change of admin rights, a deleted user. Published on every node, after the database holds
 * the change; each channel of that user then checks its own credentials again and closes if they no
 * longer hold (or no longer give what it was opened with).
 */
public final class SessionEvents {
  /** Body {@code {user_id, reason}}. */
  public static final String CHANGED = "auth.sessions.changed";

  private SessionEvents() {
  }

  static void changed(EventBus bus, long userId, String reason) {
    bus.publish(CHANGED, new JsonObject().put("user_id", userId).put("reason", reason));
  }
}
