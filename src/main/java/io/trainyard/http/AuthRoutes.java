package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.auth.AuthService;
import io.trainyard.auth.User;
import io.trainyard.scheduler.SchedulerApi;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Sign-in, sign-out, the current user, and admin user management. */
final class AuthRoutes {
  private final AuthService auth;
  private final long sessionSeconds;
  private final ClientInfo client;

  AuthRoutes(AuthService auth, long sessionSeconds, ClientInfo client) {
    this.auth = auth;
    this.sessionSeconds = sessionSeconds;
    this.client = client;
  }

  /** Routes that need no session. */
  void mountPublic(Router router) {
    router.post("/api/auth/login").handler(this::login);
  }

  void mount(Router router) {
    router.post("/api/auth/logout").handler(this::logout);
    router.get("/api/me").handler(ctx -> ctx.json(new JsonObject().put("user", AuthHandler.user(ctx).toJson())));
    router.get("/api/users").handler(ctx -> Http.guarded(ctx, () -> {
      requireAdmin(ctx);
      return auth.users().list().map(list -> {
        JsonArray items = new JsonArray();
        list.forEach(u -> items.add(u.toJson()));
        return new JsonObject().put("items", items);
      });
    }));
    router.post("/api/users").handler(ctx -> Http.guarded(ctx, () -> {
      requireAdmin(ctx);
      return auth.createUser(Http.jsonBody(ctx)).map(u -> new JsonObject().put("user", u.toJson()));
    }));
    router.patch("/api/users/:id").handler(ctx -> Http.guarded(ctx, () -> {
      String raw = ctx.pathParam("id");
      if (!raw.matches("\\d{1,18}")) {
        throw DomainException.notFound("User not found");
      }
      return auth.updateUser(AuthHandler.user(ctx), ctx.get(AuthHandler.TOKEN_KEY), Long.parseLong(raw), Http.jsonBody(ctx))
          .onSuccess(u -> ctx.vertx().eventBus().send(SchedulerApi.WAKE, null)) // a new mode may free slots
          .map(u -> new JsonObject().put("user", u.toJson()));
    }));
  }

  private void login(RoutingContext ctx) {
    Http.guarded(ctx, () -> auth.login(Http.jsonBody(ctx), client.address(ctx.request())).onSuccess(res -> {
      Cookie cookie = Cookie.cookie(AuthHandler.COOKIE, res.getString("token"))
          .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/").setMaxAge(sessionSeconds)
          .setSecure(client.secure(ctx.request()));
      ctx.response().addCookie(cookie);
    }));
  }

  private void logout(RoutingContext ctx) {
    Http.guarded(ctx, () -> auth.logout(AuthHandler.user(ctx), ctx.get(AuthHandler.TOKEN_KEY)).map(v -> {
      ctx.response().addCookie(Cookie.cookie(AuthHandler.COOKIE, "").setPath("/").setMaxAge(0)
          .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(client.secure(ctx.request())));
      return new JsonObject().put("logged_out", true);
    }));
  }

  static void requireAdmin(RoutingContext ctx) {
    User u = AuthHandler.user(ctx);
    if (!u.isAdmin()) {
      throw new DomainException(DomainException.Kind.FORBIDDEN, "Admin rights required");
    }
  }
}
