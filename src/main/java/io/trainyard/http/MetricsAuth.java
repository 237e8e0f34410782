package io.trainyard.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The optional bearer token of {@code /metrics}, compared in constant time. */
final class MetricsAuth {
  private MetricsAuth() {
  }

  static boolean presents(String authorization, String token) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(authorization.substring(7).getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }
}
