package io.trainyard.http;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.BridgeClient;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Audit findings 3 and 9 (push side): SSE streams and bridge sockets follow the sign-in they were
 * opened with (logout, password change, demotion close them), and a client that stops reading is
 * dropped instead of piling events up in the server's memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveChannelsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private TestServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start() {
    server = TestServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** Reads an SSE stream to its end on a thread of its own; completes when the server ends it. */
  private CompletableFuture<Void> openSse(String token) throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/events"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    return CompletableFuture.runAsync(() -> {
      try (InputStream in = r.body()) {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (java.io.IOException e) {
        // an aborted stream ends it too
      }
    });
  }

  @Test
  void logoutEndsTheSessionsEventStream() throws Exception {
    Api alice = server.user("alice", "serial");
    CompletableFuture<Void> stream = openSse(alice.token());
    Api other = server.api().login("alice", "alice-pass-1");
    CompletableFuture<Void> otherStream = openSse(other.token());
    awaitGauge("sse", 2);
    long t0 = System.nanoTime();
    alice.post("/api/auth/logout", null).expect(200);
    stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    System.out.printf("logout -> SSE stream ended: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    awaitGauge("sse", 1);
    assertEquals(false, otherStream.isDone(), "the user's other session keeps its stream");
    other.post("/api/auth/logout", null).expect(200);
    otherStream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void logoutAndAPasswordResetCloseTheUsersBridgeSockets() throws Exception {
    Api bob = server.user("bob", "serial");
    try (BridgeClient ws = registered(bob, "jobs.user." + bob.userId())) {
      bob.post("/api/auth/logout", null).expect(200);
      Await.until("the socket to be closed after logout", WAIT, ws::isClosed);
    }
    Api again = server.api().login("bob", "bob-pass-1");
    try (BridgeClient ws = registered(again, "jobs.user." + again.userId())) {
      long t0 = System.nanoTime();
      server.admin().patch("/api/users/" + again.userId(), new JsonObject().put("password", "bob-pass-2")).expect(200);
      Await.until("the socket to be closed after a password reset", WAIT, ws::isClosed);
      System.out.printf("password reset -> bridge socket closed: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    }
  }

  @Test
  void aDemotedAdminsSocketOnJobsAllIsClosed() throws Exception {
    Api admin = server.admin();
    admin.post("/api/users", new JsonObject().put("username", "boss").put("password", "boss-pass-1").put("is_admin", true))
        .expect(200);
    Api boss = server.api().login("boss", "boss-pass-1");
    try (BridgeClient ws = registered(boss, "jobs.all")) {
      admin.patch("/api/users/" + boss.userId(), new JsonObject().put("schedule_mode", "parallel")).expect(200);
      admin.patch("/api/users/" + boss.userId(), new JsonObject().put("is_admin", false)).expect(200);
      Await.until("the demoted admin's socket to be closed", WAIT, ws::isClosed);
    }
    try (BridgeClient ws = BridgeClient.connect(server.baseUrl(), boss.token(), server.baseUrl())) {
      ws.register("jobs.all");
      JsonObject err = ws.await(f -> "err".equals(f.getString("type")), WAIT);
      assertEquals("access_denied", err == null ? null : err.getString("body"), "a new socket no longer gets jobs.all");
    }
  }

  @Test
  void aBridgeClientThatStopsReadingIsDropped() throws Exception {
    Api carol = server.user("carol", "serial");
    String address = "jobs.user." + carol.userId();
    try (BridgeClient ws = registered(carol, address)) {
      int open = gauge("sockjs");
      ws.stall();
      publishUntilGauge(address, "sockjs", open - 1);
    }
  }

  /** The browser's transport: SockJS framing over a websocket of a session ({@code /eventbus/<server>/<session>/websocket}). */
  @Test
  void aSockJsSessionClientThatStopsReadingIsDropped() throws Exception {
    Api erin = server.user("erin", "serial");
    String address = "jobs.user." + erin.userId();
    java.util.concurrent.BlockingQueue<String> frames = new java.util.concurrent.LinkedBlockingQueue<>();
    boolean[] stalled = {false};
    java.net.http.WebSocket ws = http.newWebSocketBuilder().header("Cookie", "trainyard_session=" + erin.token())
        .header("Origin", server.baseUrl())
        .buildAsync(URI.create(server.baseUrl().replace("http://", "ws://") + "/eventbus/123/" + UUID.randomUUID().toString()
            .substring(0, 8) + "/websocket"), new java.net.http.WebSocket.Listener() {
              @Override
              public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                frames.add(data.toString());
                if (!stalled[0]) {
                  w.request(1);
                }
                return null;
              }
            }).join();
    try {
      int open = awaitGaugeAtLeast("sockjs", 1);
      ws.sendText(new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "register").put("address", address).encode())
          .encode(), true).join();
      String marker = UUID.randomUUID().toString();
      Await.until("the session's register to deliver a marker", WAIT, () -> {
        server.publish(address, new JsonObject().put("type", "test_marker").put("marker", marker));
        return frames.stream().anyMatch(f -> f.contains(marker));
      }, Boolean::booleanValue);
      stalled[0] = true;
      publishUntilGauge(address, "sockjs", open - 1);
    } finally {
      ws.abort();
    }
  }

  private int awaitGaugeAtLeast(String transport, int value) {
    return Await.until(transport + " sessions to reach " + value, WAIT, () -> gauge(transport), n -> n >= value);
  }

  @Test
  void anEventStreamClientThatStopsReadingIsDropped() throws Exception {
    Api dave = server.user("dave", "serial");
    int before = gauge("sse");
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setReceiveBufferSize(4096);
      s.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + dave.token()
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      awaitGauge("sse", before + 1);
      publishUntilGauge("jobs.user." + dave.userId(), "sse", before); // and never read a byte
    }
  }

  private BridgeClient registered(Api user, String address) {
    BridgeClient ws = BridgeClient.connect(server.baseUrl(), user.token(), server.baseUrl());
    ws.register(address);
    ws.framesBeforeMarker(server::publish, address, WAIT);
    return ws;
  }

  /** Publishes 64 KiB events on the address until the open sessions of the transport fall to {@code target}. */
  private void publishUntilGauge(String address, String transport, int target) {
    String big = "x".repeat(64 * 1024);
    Await.until(transport + " sessions to fall to " + target + " (the stalled client dropped)", Duration.ofSeconds(60), () -> {
      for (int i = 0; i < 16; i++) {
        server.publish(address, new JsonObject().put("type", "test_marker").put("pad", big));
      }
      return gauge(transport);
    }, n -> n <= target);
  }

  private void awaitGauge(String transport, int value) {
    Await.until(transport + " sessions to be " + value, WAIT, () -> gauge(transport), n -> n == value);
  }

  private int gauge(String transport) {
    String text = server.api().get("/metrics").expect(200).body();
    Matcher m = Pattern.compile("trainyard_push_sessions\\{transport=\"" + transport + "\"[^}]*} ([0-9.]+)").matcher(text);
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }
}
