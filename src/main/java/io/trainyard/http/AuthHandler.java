package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.auth.TokenRepository;
import io.trainyard.auth.User;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Resolves the caller from a bearer token or the session cookie and puts the {@link User} on the
 * context. Cookie-authenticated changes must come from an allowed origin, so a foreign site cannot
 * ride on the browser's session even where SameSite is not honoured.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  public static final String COOKIE = "trainyard_session";
  public static final String USER_KEY = "user";
  public static final String TOKEN_KEY = "token";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final TokenRepository tokens;
  private final OriginPolicy origins;

  public AuthHandler(TokenRepository tokens, OriginPolicy origins) {
    this.tokens = tokens;
    this.origins = origins;
  }

  /** The signed-in user of a request that passed this handler. */
  public static User user(RoutingContext ctx) {
    return ctx.get(USER_KEY);
  }

  /** The bearer token or session cookie of a request, or null. */
  public static String token(HttpServerRequest req) {
    String header = req.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    Cookie cookie = req.getCookie(COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    boolean viaCookie = req.getHeader("Authorization") == null;
    String token = token(req);
    if (token == null || token.isEmpty()) {
      ctx.fail(new DomainException(DomainException.Kind.UNAUTHENTICATED, "Authentication required"));
      return;
    }
    if (viaCookie && !SAFE.contains(req.method()) && !origins.sameOriginOrAllowed(req)) {
      ctx.fail(new DomainException(DomainException.Kind.FORBIDDEN, "Cross-origin request refused"));
      return;
    }
    tokens.authenticate(token).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        ctx.fail(new DomainException(DomainException.Kind.UNAUTHENTICATED, "Invalid or expired credentials"));
      } else {
        ctx.put(USER_KEY, ar.result().get());
        ctx.put(TOKEN_KEY, token);
        ctx.next();
      }
    });
  }
}
