package io.trainyard.http;

import io.trainyard.auth.TokenRepository;
import io.trainyard.auth.User;
import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.impl.UserContextInternal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SockJS event-bus bridge at {@code /eventbus}: outbound only, and every REGISTER is checked
 * against the signed-in user (session cookie, or a bearer token in the frame's headers). The address
 * regex alone would let anyone subscribe to anyone's jobs; the per-user check is what makes it safe.
 */
final class EventBridge {
  private final Vertx vertx;
  private final TokenRepository tokens;
  private final JobRepository jobs;
  private final OriginPolicy origins;
  private final PushSessions sessions;
  private final LiveChannels live;
  /** The channels each open socket holds (one per user and token it registered with), to forget on close. */
  private final Map<SockJSSocket, Map<String, Held>> held = new HashMap<>();
  /** Matches no permission, inbound or outbound. */
  private static final String DENIED = "trainyard.access.denied";
  /** Principal key under which the session token travels from the HTTP request to the socket. */
  private static final String TOKEN = "trainyard_token";

  private record Held(long userId, LiveChannels.Channel channel) {
  }

  EventBridge(Vertx vertx, TokenRepository tokens, JobRepository jobs, OriginPolicy origins, PushSessions sessions,
              LiveChannels live) {
    this.vertx = vertx;
    this.live = live;
    this.sessions = sessions;
    this.tokens = tokens;
    this.jobs = jobs;
    this.origins = origins;
  }

  void mount(Router router) {
    // The SockJS handler accepts any Origin and its XHR transports answer cross-origin with
    // credentials; refuse a foreign Origin on every transport before it gets there.
    router.route("/eventbus/*").handler(ctx -> {
      if (!origins.sameOriginOrAllowed(ctx.request())) {
        Problems.send(ctx, 403, "Cross-origin connection refused", null);
        return;
      }
      // SockJS hides cookies from the socket, and the websocket upgrade cannot wait for a lookup:
      // hand the session token over as the request's web user, which the socket keeps
      // (SockJSSocket.webUser()); it is verified at each REGISTER.
      var cookie = ctx.request().getCookie(AuthHandler.COOKIE);
      if (cookie != null && !cookie.getValue().isEmpty()) {
        ((UserContextInternal) ctx.userContext())
            .setUser(io.vertx.ext.auth.User.create(new JsonObject().put(TOKEN, cookie.getValue())));
      }
      ctx.next();
    });
    SockJSHandler sockJS = SockJSHandler.create(vertx, new SockJSHandlerOptions().setHeartbeatInterval(10_000));
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("jobs\\.(all|user\\.[0-9]+|log\\.[A-Za-z0-9_-]+)"));
    router.route("/eventbus/*").subRouter(sockJS.bridge(options, this::handle));
  }

  private void handle(BridgeEvent event) {
    BridgeEventType type = event.type();
    switch (type) {
      case SEND, PUBLISH -> deny(event); // nothing inbound, ever
      case REGISTER -> authorize(event).onComplete(ar -> {
        if (ar.succeeded() && ar.result()) {
          event.complete(true);
        } else {
          deny(event);
        }
      });
      case SOCKET_CREATED -> {
        sessions.sockjs.incrementAndGet();
        held.put(event.socket(), new HashMap<>());
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        sessions.sockjs.decrementAndGet();
        Map<String, Held> gone = held.remove(event.socket());
        if (gone != null) {
          gone.values().forEach(h -> live.closed(h.userId(), h.channel()));
        }
        event.complete(true);
      }
      case RECEIVE -> {
        // A client that does not read would pile every event up in our memory: drop it instead; it
        // reconnects and resumes its logs by offset.
        if (event.socket().writeQueueFull()) {
          event.complete(false);
          SlowClients.drop(event.socket());
        } else {
          event.complete(true);
        }
      }
      default -> event.complete(true);
    }
  }

  /**
   * Refuses a frame with the contract's {@code access_denied}: completing with false would answer
   * "rejected", so the frame is pointed at an address no permission matches and the bridge itself
   * refuses it. Nothing is registered or sent either way.
   */
  private static void deny(BridgeEvent event) {
    event.setRawMessage(event.getRawMessage().copy().put("address", DENIED));
    event.complete(true);
  }

  private Future<Boolean> authorize(BridgeEvent event) {
    String address = event.getRawMessage().getString("address", "");
    String token = token(event);
    if (token == null) {
      return Future.succeededFuture(false);
    }
    return tokens.authenticate(token).compose(u -> {
      if (u.isEmpty()) {
        return Future.succeededFuture(false);
      }
      User user = u.get();
      return allowed(user, address).onSuccess(ok -> {
        if (ok) {
          hold(event.socket(), user, token);
        }
      });
    });
  }

  /** The socket now follows this sign-in: a logout, password change or demotion closes it. */
  private void hold(SockJSSocket socket, User user, String token) {
    Map<String, Held> mine = held.get(socket);
    if (mine == null) {
      return; // closed while its register was being checked
    }
    mine.computeIfAbsent(user.id() + " " + token, k -> new Held(user.id(), live.open(user, token, socket::close)));
  }

  private Future<Boolean> allowed(User user, String address) {
    if (address.equals(JobEvents.ALL)) {
      return Future.succeededFuture(user.isAdmin());
    }
    if (address.startsWith(JobEvents.USER_PREFIX)) {
      return Future.succeededFuture(user.isAdmin() || address.equals(JobEvents.USER_PREFIX + user.id()));
    }
    if (address.startsWith(JobEvents.LOG_PREFIX)) {
      String jobId = address.substring(JobEvents.LOG_PREFIX.length());
      return jobs.find(jobId, JobService.scope(user)).map(Optional::isPresent);
    }
    return Future.succeededFuture(false);
  }

  /** The frame's bearer token wins; else the session the socket was opened with; else null. */
  private static String token(BridgeEvent event) {
    JsonObject headers = event.getRawMessage().getJsonObject("headers");
    Object auth = headers == null ? null : headers.getValue("Authorization");
    if (auth instanceof String a && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return a.substring(7).trim();
    }
    io.vertx.ext.auth.User web = event.socket().webUser();
    return web == null ? null : web.principal().getString(TOKEN);
  }
}
