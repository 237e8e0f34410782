package io.trainyard.http;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every answer names its request; a problem names it as its instance; a caller's plain id is kept. */
class RequestIdTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyAnswerCarriesAnIdAndAProblemNamesItAsItsInstance() {
    Api u = server.user("traced", "serial");
    Api.Res ok = u.get("/api/me").expect(200);
    String first = ok.header("X-Request-Id");
    assertTrue(first != null && first.matches("[0-9a-f]{32}"), first);
    assertNotEquals(first, u.get("/api/me").header("X-Request-Id"), "each request its own");

    Api.Res missing = u.get("/api/jobs/job_does_not_exist");
    JsonObject problem = missing.problem(404);
    assertEquals(missing.header("X-Request-Id"), problem.getString("instance"));
    Api.Res unauthenticated = server.api().get("/api/jobs");
    assertEquals(unauthenticated.header("X-Request-Id"), unauthenticated.problem(401).getString("instance"));
  }

  @Test
  void aCallersPlainIdIsKeptAndAnythingElseIsReplaced() {
    Api u = server.user("tracer", "serial");
    Api.Res kept = u.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/jobs/nope")).header("X-Request-Id", "lb-42.a:7"));
    assertEquals("lb-42.a:7", kept.header("X-Request-Id"));
    assertEquals("lb-42.a:7", kept.problem(404).getString("instance"));
    Api.Res replaced = u.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/me"))
        .header("X-Request-Id", "x\"><script>alert(1)</script>"));
    assertTrue(replaced.header("X-Request-Id").matches("[0-9a-f]{32}"), "markup never reaches a header or a log line");
  }
}
