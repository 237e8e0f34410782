package io.trainyard.auth;

import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.util.List;

/**
 * Which browser origins may use a session: the server's own (scheme + the Host the browser used)
 * and the configured {@code http.allowed_origins}. A request without Origin (curl, same-origin GET)
 * passes; browsers always send Origin on cross-site state changes.
 */
public final class OriginPolicy {
  private final List<String> allowed;

  public OriginPolicy(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  public boolean sameOriginOrAllowed(HttpServerRequest req) {
    String origin = req.getHeader("Origin");
    if (origin == null) {
      return true;
    }
    return isAllowed(origin, req.getHeader("Host"));
  }

  public boolean isAllowed(String origin, String host) {
    if (allowed.contains(origin)) {
      return true;
    }
    try {
      URI uri = URI.create(origin);
      String authority = uri.getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host)
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
