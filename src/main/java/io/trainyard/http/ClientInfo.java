package io.trainyard.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * What a request says about its client, believing forwarding headers only with {@code http.trust_proxy}:
 * behind a TLS-terminating proxy the connection is plain HTTP from the proxy, and only the proxy's
 * {@code X-Forwarded-Proto} / {@code X-Forwarded-For} say what the browser used. Without a proxy those
 * headers are the client's own words and are ignored.
 */
final class ClientInfo {
  private final boolean trustProxy;

  ClientInfo(boolean trustProxy) {
    this.trustProxy = trustProxy;
  }

  /** Whether the browser reached us over TLS, so cookies must be {@code Secure}. */
  boolean secure(HttpServerRequest req) {
    if (req.isSSL()) {
      return true;
    }
    String proto = trustProxy ? req.getHeader("X-Forwarded-Proto") : null;
    return proto != null && "https".equalsIgnoreCase(last(proto));
  }

  /** The client's address: the proxy's last X-Forwarded-For hop (the one it saw), else the peer. */
  String address(HttpServerRequest req) {
    String forwarded = trustProxy ? req.getHeader("X-Forwarded-For") : null;
    if (forwarded != null && !last(forwarded).isEmpty()) {
      return last(forwarded);
    }
    return req.remoteAddress() == null ? "-" : req.remoteAddress().host();
  }

  private static String last(String list) {
    int comma = list.lastIndexOf(',');
    return (comma < 0 ? list : list.substring(comma + 1)).trim();
  }
}
