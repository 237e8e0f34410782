package io.trainyard.http;

import io.trainyard.auth.SessionEvents;
import io.trainyard.auth.TokenRepository;
import io.trainyard.auth.User;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open SSE streams and bridge sockets of each user, so they follow the sign-in they were opened
 * with: when {@link SessionEvents#CHANGED} says a user's sessions changed (logout, password change,
 * admin rights, deletion), each of that user's channels checks its token again and is closed when the
 * token no longer signs in, or signs in with other admin rights than the channel was opened with (a
 * demoted admin's socket may hold {@code jobs.all}). A closed client reconnects and is checked afresh.
 * Lives on the HTTP verticle's event loop; nothing else touches it.
 */
final class LiveChannels {
  /** One open channel: the token it was opened with, the rights it was granted, how to close it. */
  record Channel(String token, boolean admin, Runnable close) {
  }

  private final TokenRepository tokens;
  private final Map<Long, Set<Channel>> byUser = new HashMap<>();

  LiveChannels(Vertx vertx, TokenRepository tokens) {
    this.tokens = tokens;
    vertx.eventBus().<JsonObject>consumer(SessionEvents.CHANGED, msg -> recheck(msg.body().getLong("user_id")));
  }

  Channel open(User user, String token, Runnable close) {
    Channel c = new Channel(token, user.isAdmin(), close);
    byUser.computeIfAbsent(user.id(), k -> new LinkedHashSet<>()).add(c);
    return c;
  }

  void closed(long userId, Channel c) {
    Set<Channel> set = byUser.get(userId);
    if (set != null && set.remove(c) && set.isEmpty()) {
      byUser.remove(userId);
    }
  }

  private void recheck(Long userId) {
    Set<Channel> set = userId == null ? null : byUser.get(userId);
    if (set == null) {
      return;
    }
    for (Channel c : List.copyOf(set)) {
      tokens.authenticate(c.token()).onComplete(ar -> {
        boolean holds = ar.succeeded() && ar.result().isPresent() && ar.result().get().id() == userId
            && ar.result().get().isAdmin() == c.admin();
        if (!holds) {
          closed(userId, c);
          c.close().run();
        }
      });
    }
  }
}
