package io.trainyard.http;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.RawHttp;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Audit findings 1 and 2: malformed query strings, and the SockJS XHR transports. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
  private final HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestServer server;
  private Api alice;

  @BeforeAll
  void start() {
    server = TestServer.start();
    alice = server.user("alice", "serial");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aMalformedPercentEscapeInTheQueryIsA400NamingTheQuery() {
    for (String path : new String[] {"/api/jobs?status=%zz", "/api/jobs?%zz=1", "/api/jobs/counts?x=%", "/api/models?limit=%e0%a"}) {
      RawHttp.Res r = RawHttp.send(server.port(), "GET", path, Map.of("Authorization", "Bearer " + alice.token()), null);
      assertEquals(400, r.status(), path + ": " + r.body());
      assertEquals("application/problem+json", r.header("Content-Type"));
      assertEquals("query", new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0).getString("field"), path);
    }
    // Unauthenticated too: the query is refused before anything else looks at it.
    assertEquals(400, RawHttp.send(server.port(), "GET", "/api/jobs?status=%zz", Map.of(), null).status());
  }

  /**
   * A browser without WebSocket speaks SockJS over XHR: it opens a session with {@code xhr}, sends
   * frames with {@code xhr_send} and polls {@code xhr} for messages. The whole sequence must work.
   */
  @Test
  void theSockJsXhrTransportsRegisterAndDeliverEvents() throws Exception {
    String session = "/eventbus/123/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    HttpResponse<String> open = xhr(session + "/xhr", null);
    assertEquals(200, open.statusCode(), open.body());
    assertEquals("o", open.body().trim());
    String address = "jobs.user." + alice.userId();
    String frame = new JsonObject().put("type", "register").put("address", address).encode();
    HttpResponse<String> sent = xhr(session + "/xhr_send", new JsonArray().add(frame).encode());
    assertEquals(204, sent.statusCode(), sent.body());
    String marker = UUID.randomUUID().toString();
    // The register is checked asynchronously: publish markers meanwhile, so a poll is never left waiting.
    long timer = server.vertx().setPeriodic(100, t ->
        server.publish(address, new JsonObject().put("type", "test_marker").put("marker", marker)));
    try {
      StringBuilder seen = new StringBuilder();
      Await.until("a published event to arrive over xhr polling", Duration.ofSeconds(20), () -> {
        seen.append(xhr(session + "/xhr", null).body());
        return seen.toString();
      }, s -> s.contains(marker));
    } finally {
      server.vertx().cancelTimer(timer);
    }
  }

  /** As a browser sends them: HTTP/1.1 on kept-alive connections (SockJS ends a session whose connection closes). */
  private HttpResponse<String> xhr(String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Cookie", "trainyard_session=" + alice.token()).timeout(Duration.ofSeconds(30))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "text/plain;charset=UTF-8");
    }
    return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void nulAndControlCharactersInThePathAreRefusedNotFailed() {
    for (String path : new String[] {"/api/jobs/%00", "/api/jobs/%zz", "/api/jobs/a%0Db", "/api/jobs/%ff%fe"}) {
      RawHttp.Res r = RawHttp.send(server.port(), "GET", path, Map.of("Authorization", "Bearer " + alice.token()), null);
      assertTrue(r.status() == 400 || r.status() == 404, path + " answered " + r.status() + ": " + r.body());
      assertEquals("application/problem+json", r.header("Content-Type"), path);
    }
  }
}
