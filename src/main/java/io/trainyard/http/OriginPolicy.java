package io.trainyard.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

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
    // authority() is the Host header on HTTP/1.1 and :authority on HTTP/2.
    HostAndPort authority = req.authority();
    return isAllowed(origin, authority == null ? null : authority.host(), authority == null ? -1 : authority.port(),
        req.isSSL());
  }

  boolean isAllowed(String origin, String host, int port, boolean ssl) {
    if (allowed.contains(origin)) {
      return true;
    }
    try {
      URI uri = URI.create(origin);
      int originPort = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      int ownPort = port >= 0 ? port : ssl ? 443 : 80;
      return host != null && host.equalsIgnoreCase(uri.getHost()) && originPort == ownPort
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
