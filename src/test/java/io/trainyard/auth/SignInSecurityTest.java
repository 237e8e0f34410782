package io.trainyard.auth;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit findings 5 and 10: sign-in throttling, the hashing executor, the current password, expired
 * tokens, and Secure cookies behind a trusted proxy. The server trusts a proxy, so each test can play
 * a client address of its own through X-Forwarded-For.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInSecurityTest {
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(c -> c.getJsonObject("http").put("trust_proxy", true));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Api.Res login(String user, String password, String address, String proto) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/auth/login"))
        .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.7, " + address)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", password).encode()));
    if (proto != null) {
      b.header("X-Forwarded-Proto", proto);
    }
    return server.api().send(b);
  }

  @Test
  void fiveWrongPasswordsForOneNameAreFollowedBy429WithRetryAfterEvenForTheRightOne() {
    server.user("target", "serial");
    for (int i = 0; i < 5; i++) {
      login("target", "wrong-" + i, "10.0.0." + i, null).problem(401); // five addresses: the name is what counts
    }
    Api.Res refused = login("target", "target-pass-1", "10.0.1.1", null);
    JsonObject p = refused.problem(429);
    long retry = Long.parseLong(refused.header("Retry-After"));
    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
    assertTrue(p.getString("detail").contains("Too many"), p.encode());
    // Another name from another address is not affected.
    login("admin", TestServer.ADMIN_PASSWORD, "10.0.2.1", null).expect(200);
  }

  @Test
  void twentyFailuresFromOneAddressThrottleThatAddressForEveryName() {
    for (int i = 0; i < 20; i++) {
      login("ghost-" + i, "whatever-1", "10.9.9.9", null).problem(401);
    }
    login("admin", TestServer.ADMIN_PASSWORD, "10.9.9.9", null).problem(429);
    login("admin", TestServer.ADMIN_PASSWORD, "10.9.9.10", null).expect(200);
  }

  @Test
  void passwordsAreHashedOnTheirOwnThreadsNotTheSharedWorkerPool() {
    login("admin", TestServer.ADMIN_PASSWORD, "10.3.3.3", null).expect(200);
    assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("trainyard-password-hashing")),
        "a hashing thread exists");
  }

  @Test
  void changingYourOwnPasswordNeedsTheCurrentOneButAnAdminResetDoesNot() {
    Api frank = server.user("frank", "serial");
    String self = "/api/users/" + frank.userId();
    JsonObject missing = frank.patch(self, new JsonObject().put("password", "frank-pass-2")).problem(400);
    assertEquals("current_password", missing.getJsonArray("errors").getJsonObject(0).getString("field"));
    JsonObject wrong = frank.patch(self, new JsonObject().put("password", "frank-pass-2").put("current_password", "nope-nope"))
        .problem(400);
    assertEquals("current_password", wrong.getJsonArray("errors").getJsonObject(0).getString("field"));
    server.api().login("frank", "frank-pass-1"); // nothing changed
    frank.patch(self, new JsonObject().put("password", "frank-pass-2").put("current_password", "frank-pass-1")).expect(200);
    server.admin().patch(self, new JsonObject().put("password", "frank-pass-3")).expect(200);
    server.api().login("frank", "frank-pass-3");
  }

  @Test
  void wrongCurrentPasswordsAreThrottledLikeFailedSignIns() {
    Api hank = server.user("hank", "serial");
    String self = "/api/users/" + hank.userId();
    for (int i = 0; i < 5; i++) {
      hank.patch(self, new JsonObject().put("password", "hank-pass-2").put("current_password", "guess-" + i)).problem(400);
    }
    Api.Res r = hank.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + self)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(new JsonObject().put("password", "hank-pass-2")
            .put("current_password", "hank-pass-1").encode())));
    r.problem(429);
    assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
  }

  @Test
  void expiredTokensArePrunedWhenTheirUserSignsIn() throws Exception {
    Api gina = server.user("gina", "serial");
    try (var c = server.sql()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO tokens(id, user_id, salt, secret_hash, expires_at)"
          + " VALUES ('expired-1', ?, '\\x00', '\\x00', now() - interval '1 day')")) {
        ps.setLong(1, gina.userId());
        ps.executeUpdate();
      }
      server.api().login("gina", "gina-pass-1");
      ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM tokens WHERE expires_at <= now()");
      rs.next();
      assertEquals(0, rs.getLong(1), "expired tokens left");
    }
  }

  @Test
  void aTrustedProxysHttpsMakesTheSessionCookieSecureAndPlainHttpDoesNot() {
    assertTrue(login("admin", TestServer.ADMIN_PASSWORD, "10.4.4.4", "https").expect(200).header("Set-Cookie").contains("Secure"));
    assertFalse(login("admin", TestServer.ADMIN_PASSWORD, "10.4.4.4", "http").expect(200).header("Set-Cookie").contains("Secure"));
  }

  @Test
  void withoutTrustProxyForwardedHeadersAreIgnored() {
    try (TestServer plain = TestServer.start()) {
      Api.Res ok = plain.api().send(HttpRequest.newBuilder(URI.create(plain.baseUrl() + "/api/auth/login"))
          .header("X-Forwarded-Proto", "https").POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
              .put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode())));
      assertFalse(ok.expect(200).header("Set-Cookie").contains("Secure"), "an untrusted X-Forwarded-Proto is ignored");
      for (int i = 0; i < 20; i++) {
        plain.api().send(HttpRequest.newBuilder(URI.create(plain.baseUrl() + "/api/auth/login"))
            .header("X-Forwarded-For", "10.5.5." + i).POST(HttpRequest.BodyPublishers.ofString(
                new JsonObject().put("username", "nobody-" + i).put("password", "x-x-x-x").encode()))).problem(401);
      }
      // Twenty failures from one real address throttle it, whatever X-Forwarded-For claimed.
      Api.Res r = plain.api().send(HttpRequest.newBuilder(URI.create(plain.baseUrl() + "/api/auth/login"))
          .header("X-Forwarded-For", "10.6.6.6").header("X-Forwarded-Proto", "https")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "admin")
              .put("password", TestServer.ADMIN_PASSWORD).encode())));
      r.problem(429);
    }
  }
}
