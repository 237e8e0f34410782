package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.auth.User;
import io.trainyard.jobs.JobEvents;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /api/events}: Server-Sent Events for REST clients, the same {@code job_status_changed}
 * and {@code job_progress} objects the bridge delivers, scoped like it (own jobs; admin all), with a
 * heartbeat comment and a cap on open streams per client address.
 */
final class EventStream {
  private final int maxPerAddress;
  private final long heartbeatMs;
  private final PushSessions sessions;
  private final LiveChannels live;
  private final Map<String, Integer> open = new HashMap<>();

  EventStream(int maxPerAddress, long heartbeatMs, PushSessions sessions, LiveChannels live) {
    this.sessions = sessions;
    this.live = live;
    this.maxPerAddress = maxPerAddress;
    this.heartbeatMs = heartbeatMs;
  }

  void mount(Router router) {
    router.get("/api/events").handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    String address = ctx.request().remoteAddress().host();
    int n = open.getOrDefault(address, 0);
    if (n >= maxPerAddress) {
      ctx.fail(new DomainException(DomainException.Kind.RATE_LIMITED, "Too many event streams from this address (at most " + maxPerAddress + ")"));
      return;
    }
    open.put(address, n + 1);
    sessions.sse.incrementAndGet();
    User user = AuthHandler.user(ctx);
    HttpServerResponse resp = ctx.response().setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    var vertx = ctx.vertx();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(
        user.isAdmin() ? JobEvents.ALL : JobEvents.USER_PREFIX + user.id(),
        msg -> {
          if (resp.writeQueueFull()) {
            // A client that does not read would pile events up in our memory: drop it; it reconnects.
            SlowClients.drop(ctx.request().connection(), address);
          } else if (!resp.ended()) {
            resp.write("data: " + msg.body().encode() + "\n\n");
          }
        });
    // "connected" once the subscription is in place (in a cluster: known to every node), so a client
    // that waits for it misses no event published anywhere after that.
    consumer.completion().onComplete(ar -> {
      if (!resp.ended()) {
        resp.write(": connected\n\n");
      }
    });
    long heartbeat = vertx.setPeriodic(heartbeatMs, t -> {
      if (!resp.ended()) {
        resp.write(": heartbeat\n\n");
      }
    });
    // The stream follows the sign-in it was opened with: a logout or a lost right ends it.
    LiveChannels.Channel channel = live.open(user, ctx.get(AuthHandler.TOKEN_KEY), () -> {
      if (!resp.ended()) {
        resp.end();
      }
    });
    boolean[] done = {false};
    Runnable cleanup = () -> {
      if (done[0]) {
        return;
      }
      done[0] = true;
      live.closed(user.id(), channel);
      sessions.sse.decrementAndGet();
      vertx.cancelTimer(heartbeat);
      consumer.unregister();
      open.computeIfPresent(address, (k, c) -> c <= 1 ? null : c - 1);
    };
    resp.closeHandler(v -> cleanup.run());
    resp.endHandler(v -> cleanup.run());
  }
}
