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
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthApiTest {
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void loginAnswersTokenUserAndAStrictHttpOnlyCookie() {
    Api.Res r = server.api().post("/api/auth/login",
        new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD)).expect(200);
    JsonObject user = r.json().getJsonObject("user");
    assertEquals("admin", user.getString("username"));
    assertTrue(user.getBoolean("is_admin"));
    assertEquals("parallel", user.getString("schedule_mode"));
    assertNotNull(user.getString("created_at"));
    String cookie = r.header("Set-Cookie");
    assertTrue(cookie.startsWith("trainyard_session=" + r.json().getString("token")), cookie);
    assertTrue(cookie.toLowerCase().contains("httponly"), cookie);
    assertTrue(cookie.contains("SameSite=Strict"), cookie);
  }

  @Test
  void wrongPasswordAndUnknownUserAreBoth401() {
    server.api().post("/api/auth/login", new JsonObject().put("username", "admin").put("password", "nope-nope"))
        .problem(401);
    server.api().post("/api/auth/login", new JsonObject().put("username", "ghost").put("password", "nope-nope"))
        .problem(401);
    JsonObject p = server.api().post("/api/auth/login", new JsonObject().put("username", "admin")).problem(400);
    assertEquals("password", p.getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void everyApiRouteNeedsASignedInUser() {
    Api anon = server.api();
    for (String path : new String[] {"/api/me", "/api/jobs", "/api/jobs/x", "/api/jobs/x/log", "/api/datasets",
        "/api/models", "/api/results", "/api/users"}) {
      anon.get(path).problem(401);
    }
    anon.post("/api/jobs/train", new JsonObject()).problem(401);
    anon.post("/api/jobs/flush", null).problem(401);
    anon.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/me")).header("Authorization", "Bearer abc.def"))
        .problem(401);
    anon.get("/api/health").expect(200);
  }

  @Test
  void pagesCarryAContentSecurityPolicyThatAllowsOnlyTheirOwnOrigin() {
    Api.Res page = server.api().get("/jobs/anything").expect(200);
    String csp = page.header("Content-Security-Policy");
    assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), csp);
    assertFalse(csp.contains("unsafe-eval"), csp);
    assertEquals("nosniff", page.header("X-Content-Type-Options"));
  }

  @Test
  void cookieSessionWorksAndLogoutRevokesTheToken() {
    Api admin = server.admin();
    Api.Res viaCookie = admin.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/me"))
        .header("Cookie", "trainyard_session=" + admin.token()));
    assertEquals("admin", viaCookie.expect(200).json().getJsonObject("user").getString("username"));
    admin.get("/api/me").expect(200);
    admin.post("/api/auth/logout", null).expect(200);
    admin.get("/api/me").problem(401);
  }

  @Test
  void cookieAuthenticatedChangesFromAForeignOriginAreRefused() {
    Api admin = server.admin();
    Api.Res r = server.api().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/jobs/flush"))
        .header("Cookie", "trainyard_session=" + admin.token()).header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody()));
    r.problem(403);
  }

  @Test
  void adminCreatesUsersWhoDefaultToSerialAndCannotManageOthers() {
    Api admin = server.admin();
    JsonObject u = admin.post("/api/users", new JsonObject().put("username", "carol").put("password", "carol-pass-1"))
        .expect(200).json().getJsonObject("user");
    assertEquals("serial", u.getString("schedule_mode"));
    assertFalse(u.getBoolean("is_admin"));
    admin.post("/api/users", new JsonObject().put("username", "carol").put("password", "carol-pass-1")).problem(409);
    JsonObject bad = admin.post("/api/users", new JsonObject().put("username", "a b;rm").put("password", "x")
        .put("schedule_mode", "turbo")).problem(400);
    assertEquals(3, bad.getJsonArray("errors").size(), bad.encode());
    assertTrue(admin.get("/api/users").expect(200).json().getJsonArray("items").size() >= 2);

    Api carol = server.api().login("carol", "carol-pass-1");
    carol.get("/api/users").problem(403);
    carol.post("/api/users", new JsonObject().put("username", "dave").put("password", "dave-pass-1")).problem(403);
    carol.patch("/api/users/" + admin.userId(), new JsonObject().put("schedule_mode", "serial")).problem(404);
    carol.patch("/api/users/" + carol.userId(), new JsonObject().put("is_admin", true)).problem(400);
    JsonObject mine = carol.patch("/api/users/" + carol.userId(), new JsonObject().put("schedule_mode", "parallel"))
        .expect(200).json().getJsonObject("user");
    assertEquals("parallel", mine.getString("schedule_mode"));
    assertEquals("parallel", carol.get("/api/me").json().getJsonObject("user").getString("schedule_mode"));
  }

  @Test
  void aNewPasswordEndsTheUsersOtherSessionsButKeepsTheOneThatChangedIt() {
    Api admin = server.admin();
    admin.post("/api/users", new JsonObject().put("username", "erin").put("password", "erin-pass-1")).expect(200);
    Api phone = server.api().login("erin", "erin-pass-1");
    Api laptop = server.api().login("erin", "erin-pass-1");
    laptop.patch("/api/users/" + laptop.userId(), new JsonObject().put("password", "erin-pass-2")
        .put("current_password", "erin-pass-1")).expect(200);
    laptop.get("/api/me").expect(200);
    phone.get("/api/me").problem(401);
    Api again = server.api().login("erin", "erin-pass-2");
    admin.patch("/api/users/" + again.userId(), new JsonObject().put("password", "erin-pass-3")).expect(200);
    again.get("/api/me").problem(401);
    laptop.get("/api/me").problem(401);
    admin.get("/api/me").expect(200);
  }

  @Test
  void passwordsAndTokensAreStoredOnlyAsSaltedHashes() throws Exception {
    Api admin = server.admin();
    try (var c = server.sql(); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT password_hash FROM users WHERE username = 'admin'");
      rs.next();
      String hash = rs.getString(1);
      assertTrue(hash.startsWith("pbkdf2_sha256$"), hash);
      assertFalse(hash.contains(TestServer.ADMIN_PASSWORD));
      String secret = admin.token().substring(admin.token().indexOf('.') + 1);
      ResultSet tokens = s.executeQuery("SELECT encode(secret_hash, 'escape'), encode(salt, 'hex') FROM tokens");
      while (tokens.next()) {
        assertFalse(tokens.getString(1).contains(secret));
      }
    }
  }
}
