package io.trainyard.http;

import io.trainyard.app.AppConfig;
import io.trainyard.providers.fake.FakeReplicate;
import io.trainyard.testing.Api;
import io.trainyard.testing.RawHttp;
import io.trainyard.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input against every {@code /api} route the router mounts (read from the router, so a new
 * route is fuzzed without anyone listing it): wrong methods, malformed and mistyped JSON, huge and
 * negative numbers, NUL and control characters, malformed query strings and percent escapes, unknown
 * and other users' ids, missing, garbage and expired tokens, foreign Origins. Every answer must be
 * below 500, every 4xx a problem+json; a refused request must change nothing (a fingerprint of the
 * tables is compared), and no answer to Alice may carry Bob's data (markers planted in his template
 * and his job's log). Deterministic: one fixed seed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest {
  private static final long SEED = 20261130L;
  /** Random requests per route on top of the fixed cases: ~9,700 requests, 20 s to a minute on a busy 2-core box. */
  private static final int RANDOM_PER_ROUTE = 150;
  private static final String MARKER = "MARKER-" + UUID.nameUUIDFromBytes("bob".getBytes()).toString();
  private static final String LOG_MARKER = "LOGMARKER-" + UUID.nameUUIDFromBytes("bob-log".getBytes());

  private Vertx fakeVertx;
  private FakeReplicate fake;
  private TestServer server;
  private Api alice;
  private Api bob;
  private String expiredToken;
  private String bobsJob;
  private String bobsTemplate;
  private String alicesJob;
  private final List<String> failures = new ArrayList<>();
  private int sent;
  /** How many answers had each status, to show what the run exercised. */
  private final Map<Integer, Integer> statuses = new java.util.TreeMap<>();
  /** One connection for the fingerprints, and the fingerprint after the last request. */
  private Connection sql;
  private String state;

  @BeforeAll
  void start() throws Exception {
    fakeVertx = Vertx.vertx();
    fake = FakeReplicate.start(fakeVertx, 0, "r8_fuzz").await();
    server = TestServer.start(c -> {
      c.getJsonObject("scheduler").put("node_capacity", 0); // nothing runs: the tables only change by request
      AppConfig.put(c, "providers.replicate.base_url", fake.url());
      AppConfig.put(c, "providers.replicate.api_token", "r8_fuzz");
      AppConfig.put(c, "background.job_status_polling.enabled", false);
    });
    alice = server.user("alice", "serial");
    bob = server.user("bob", "serial");
    Api carol = server.user("carol", "serial");
    JsonObject train = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1);
    alicesJob = alice.train(new JsonObject()).getString("job_id");
    JsonObject bobs = bob.post("/api/jobs/train", train).expect(200).json().getJsonObject("job");
    bobsJob = bobs.getString("job_id");
    Path log = Path.of(bobs.getString("log_path"));
    Files.createDirectories(log.getParent());
    Files.writeString(log, "epoch 1/1 step 1/1 " + LOG_MARKER + "\n");
    bobsTemplate = bob.post("/api/templates", new JsonObject().put("name", MARKER).put("job_type", "train").put("params", train))
        .expect(200).json().getJsonObject("template").getString("template_id");
    expiredToken = carol.token();
    try (Connection c = server.sql(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE tokens SET expires_at = now() - interval '1 day' WHERE user_id = " + carol.userId());
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (sql != null) {
      sql.close();
    }
    server.close();
    fake.close().await();
    fakeVertx.close().await();
  }

  @Test
  void everyRouteSurvivesHostileInputWithoutA5xxALeakOrAChange() throws Exception {
    long t0 = System.nanoTime();
    sql = server.sql();
    state = fingerprint();
    Random random = new Random(SEED);
    List<String[]> routes = routes();
    assertTrue(routes.size() > 30, "the router's routes were read: " + routes.size());
    Set<String> fields = requestFields();
    for (String[] route : routes) {
      String method = route[0];
      String path = route[1];
      if (path.equals("/api/events") && method.equals("GET")) {
        // A stream: only the refusals (no or bad credentials), which end at once.
        send("GET", path, null, Auth.NONE, null);
        send("GET", path, null, Auth.GARBAGE, null);
        send("GET", path, null, Auth.EXPIRED, null);
        continue;
      }
      for (String other : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
        if (!mounted(routes, other, path)) {
          send(other, fill(path, random), body(path, fields, random), Auth.ALICE, null);
        }
      }
      for (Auth auth : Auth.values()) {
        send(method, fill(path, random), body(path, fields, random), auth, null);
      }
      send(method, fill(path, random), body(path, fields, random), Auth.COOKIE, "https://evil.example");
      for (String id : ids()) {
        send(method, path.replace(":id", id).replace(":provider", id), body(path, fields, random), Auth.ALICE, null);
      }
      for (String query : QUERIES) {
        send(method, fill(path, random) + query, body(path, fields, random), Auth.ALICE, null);
      }
      for (String raw : MALFORMED_BODIES) {
        send(method, fill(path, random), raw, Auth.ALICE, null);
      }
      for (int i = 0; i < RANDOM_PER_ROUTE; i++) {
        String q = random.nextInt(3) == 0 ? QUERIES.get(random.nextInt(QUERIES.size())) : "";
        send(method, fill(path, random) + q, body(path, fields, random), random.nextInt(10) == 0 ? Auth.NONE : Auth.ALICE, null);
      }
    }
    // The bridge and the routes around the API.
    send("GET", "/eventbus/info", null, Auth.COOKIE, "https://evil.example");
    send("POST", "/eventbus/1/abc/xhr_send", "[\"{\\\"type\\\":\\\"register\\\",\\\"address\\\":\\\"jobs.all\\\"}\"]", Auth.COOKIE, null);
    send("GET", "/api/%zz", null, Auth.ALICE, null);
    send("GET", "/api/jobs?" + "a=1&".repeat(5000), null, Auth.ALICE, null);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("fuzz: %d requests over %d routes in %.1f s (seed %d), answers by status %s, %d problems%n", sent,
        routes.size(), seconds, SEED, statuses, failures.size());
    assertEquals(List.of(), failures.size() > 40 ? failures.subList(0, 40) : failures);
  }

  private enum Auth { ALICE, NONE, GARBAGE, EXPIRED, COOKIE }

  /** Sends one request and checks the answer; failures are collected, so one run shows them all. */
  private void send(String method, String target, String body, Auth given, String origin) throws Exception {
    // Alice's own logout would end the run's session: that route gets every other kind of caller.
    boolean hersWithoutOrigin = given == Auth.ALICE || (given == Auth.COOKIE && origin == null);
    Auth auth = hersWithoutOrigin && target.startsWith("/api/auth/logout") ? Auth.EXPIRED : given;
    Map<String, String> headers = new LinkedHashMap<>();
    switch (auth) {
      case ALICE -> headers.put("Authorization", "Bearer " + alice.token());
      case GARBAGE -> headers.put("Authorization", "Bearer garbage.tok%en\u0001");
      case EXPIRED -> headers.put("Authorization", "Bearer " + expiredToken);
      case COOKIE -> headers.put("Cookie", "trainyard_session=" + alice.token());
      case NONE -> { }
    }
    if (origin != null) {
      headers.put("Origin", origin);
    }
    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    if (bytes != null) {
      headers.put("Content-Type", "application/json");
    }
    RawHttp.Res r = RawHttp.send(server.port(), method, target, headers, bytes);
    sent++;
    statuses.merge(r.status(), 1, Integer::sum);
    String what = method + " " + shorten(target) + " [" + auth + (origin == null ? "" : ", Origin " + origin) + "] body "
        + shorten(String.valueOf(body)) + " -> " + r.status();
    if (r.status() >= 500) {
      failures.add(what + ": a 5xx: " + shorten(r.body()));
    }
    if (r.status() >= 400 && !target.startsWith("/eventbus/")) {
      if (!"application/problem+json".equals(r.header("Content-Type"))) {
        failures.add(what + ": not problem+json but " + r.header("Content-Type"));
      } else if (new JsonObject(r.body()).getInteger("status") != r.status()) {
        failures.add(what + ": the problem's status differs");
      }
      String after = fingerprint();
      if (!state.equals(after)) {
        failures.add(what + ": a refused request changed state: " + state + " -> " + after);
      }
      state = after;
    } else if (!method.equals("GET")) {
      state = fingerprint(); // an accepted change moves the baseline
    }
    String request = target + " " + body;
    for (String secret : List.of(MARKER, LOG_MARKER, bobsJob, bobsTemplate)) {
      if (r.body().contains(secret) && !request.contains(secret)) {
        failures.add(what + ": Bob's data in an answer to Alice: " + secret);
      }
    }
  }

  /** What a refused request must not change: the rows users own, in a few numbers. */
  private String fingerprint() throws Exception {
    try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT (SELECT count(*) || ':' || coalesce(sum(hashtext(job_id || status || coalesce(archived_at::text, '')
                  || cancel_requested::text || owner_user_id::text || priority::text)), 0) FROM jobs)
          || '|' || (SELECT count(*) || ':' || coalesce(sum(hashtext(template_id || name)), 0) FROM templates)
          || '|' || (SELECT count(*) || ':' || coalesce(sum(hashtext(username || is_admin::text || schedule_mode
                  || password_hash)), 0) FROM users)
          || '|' || (SELECT count(*) FROM models) || '|' || (SELECT count(*) FROM results)""")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** "METHOD /path" of every /api route the router mounts, as {method, path}. */
  private List<String[]> routes() {
    Set<String> seen = new TreeSet<>(server.routes());
    List<String[]> out = new ArrayList<>();
    for (String r : seen) {
      String[] mp = r.split(" ", 2);
      if (mp[1].startsWith("/api/") && !mp[1].startsWith("/api/docs")) {
        out.add(mp);
      }
    }
    return out;
  }

  private static boolean mounted(List<String[]> routes, String method, String path) {
    return routes.stream().anyMatch(r -> r[0].equals(method) && r[1].equals(path));
  }

  /** Every property name of every schema in the OpenAPI document: the fields requests are made of. */
  private Set<String> requestFields() {
    Set<String> out = new TreeSet<>();
    collect(server.api().get("/api/openapi.json").expect(200).json(), out);
    out.addAll(List.of("current_password", "sweep", "overrides", "filter", "job_ids", "jobs"));
    return out;
  }

  private static void collect(Object node, Set<String> out) {
    if (node instanceof JsonObject o) {
      if (o.getValue("properties") instanceof JsonObject props) {
        out.addAll(props.fieldNames());
      }
      o.forEach(e -> collect(e.getValue(), out));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collect(v, out));
    }
  }

  /** The route with its path parameters filled from the id pool. */
  private String fill(String path, Random random) {
    List<String> ids = ids();
    return path.replace(":id", ids.get(random.nextInt(ids.size())))
        .replace(":provider", random.nextBoolean() ? "replicate" : ids.get(random.nextInt(ids.size())));
  }

  private List<String> ids() {
    return List.of(bobsJob, bobsTemplate, alicesJob, String.valueOf(bob.userId()), String.valueOf(alice.userId()),
        "job_does_not_exist", "0", "-1", "99999999999999999999", "%00", "%zz", "..%2F..%2Fetc%2Fpasswd",
        "a".repeat(300), "%F0%9F%98%80", "%0D%0AX-Evil:%201", "'%20OR%20'1'='1", "%", "null");
  }

  private static final List<String> QUERIES = List.of("?limit=-1", "?limit=99999999999999999999", "?offset=-5",
      "?limit=1e3", "?status=%zz", "?status=%00", "?status=running,%01", "?cursor=garbage", "?cursor=%FF%FE",
      "?hours=NaN", "?hours=-1", "?hours=1e309", "?days=0", "?days=99999", "?tail=0", "?tail=-1", "?tail=100001",
      "?offset=abc", "?offset=99999999999999999999", "?scope=weird", "?purge_artifacts=maybe", "?x=%", "?&&&==",
      "?a=%E0%A4", "?q=%27%20OR%201%3D1%20--", "?sort=%3Bdrop", "?order=sideways", "?owner_user_id=-1",
      "?archived=perhaps", "?sync_active=yes", "?provider=%00", "?job_type=%0A", "?terminal_only=2");

  private static final List<String> MALFORMED_BODIES = List.of("{", "[", "nul", "\"str\"", "123", "", "{\"a\":}",
      "{\"a\":1,}", "\u0000", "{\"dataset_id\":\"\\u0000\"}", "[1,2,3]", "{}".repeat(3), "{\"x\":" + "[".repeat(2000)
          + "]".repeat(2000) + "}", "\uFEFF{}", "{\"a\":\"\\ud800\"}");

  /** Values of every type and edge: huge and negative numbers, control characters, other users' ids. */
  private String value(Random random) {
    String[] pool = {"1e308", "-1", "0", "9223372036854775808", "-99999999999999999999999", "1.5", "\"5\"", "\"\"",
        "\"\\u0000\"", "\"a\\u0007b\\r\\n\"", "\"" + "x".repeat(5000) + "\"", "[]", "[1,2]", "{}",
        "{\"a\":{\"b\":{\"c\":[]}}}", "null", "true", "\"../../etc/passwd\"", "\"" + bobsJob + "\"",
        String.valueOf(bob.userId()), "\"<script>alert(1)</script>\"", "\"demo\"", "64", "\"train\"", "[\"" + bobsJob + "\"]",
        "{\"lr\":[0.1,0.2]}", "\"replicate\"", "\"training\"", "\"acme/x:abc\"", "\"parallel\"", "-0.0", "1E-400"};
    return pool[random.nextInt(pool.length)];
  }

  /** A body for the route: often a valid one with a field or two spoiled, else random fields. */
  private String body(String path, Set<String> fields, Random random) {
    String base = VALID.get(path);
    Map<String, String> members = new LinkedHashMap<>();
    if (base != null && random.nextBoolean()) {
      JsonObject valid = new JsonObject(base.replace("$BOBSJOB", bobsJob));
      valid.forEach(e -> members.put(e.getKey(), io.vertx.core.json.Json.encode(e.getValue())));
      List<String> keys = new ArrayList<>(members.keySet());
      int spoil = 1 + random.nextInt(2);
      for (int i = 0; i < spoil && !keys.isEmpty(); i++) {
        members.put(keys.get(random.nextInt(keys.size())), value(random));
      }
    } else {
      List<String> names = new ArrayList<>(fields);
      int n = random.nextInt(5);
      for (int i = 0; i < n; i++) {
        members.put(names.get(random.nextInt(names.size())), value(random));
      }
      if (random.nextInt(8) == 0) {
        members.put("unknown\u0001field", value(random));
      }
    }
    StringBuilder sb = new StringBuilder("{");
    members.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(io.vertx.core.json.Json.encode(k)).append(':').append(v));
    return sb.append('}').toString();
  }

  /** Valid bodies of the routes that take one, for spoiling a field at a time. */
  private static final Map<String, String> VALID = Map.of(
      "/api/jobs/train", "{\"dataset_id\":\"demo\",\"gene_size\":64,\"output_dim\":4,\"epochs\":1}",
      "/api/jobs/predict", "{\"dataset_id\":\"demo\",\"gene_size\":64,\"output_dim\":4,\"depends_on\":\"$BOBSJOB\"}",
      "/api/jobs/batch", "{\"jobs\":[{\"job_type\":\"train\",\"dataset_id\":\"demo\",\"gene_size\":64,\"output_dim\":4}]}",
      "/api/templates", "{\"name\":\"t\",\"job_type\":\"train\",\"params\":{\"dataset_id\":\"demo\",\"gene_size\":64,\"output_dim\":4}}",
      "/api/users", "{\"username\":\"eve\",\"password\":\"eve-pass-1\"}",
      "/api/users/:id", "{\"schedule_mode\":\"parallel\"}",
      "/api/auth/login", "{\"username\":\"alice\",\"password\":\"wrong-password\"}",
      "/api/jobs/bulk-delete", "{\"job_ids\":[\"$BOBSJOB\"]}",
      "/api/jobs/bulk-archive", "{\"job_ids\":[\"$BOBSJOB\"]}",
      "/api/cloud/jobs", "{\"kind\":\"prediction\",\"version\":\"acme/sdxl:39ed52f2a7\",\"input\":{\"prompt\":\"x\"}}");

  private static String shorten(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 160 ? printable : printable.substring(0, 160) + "...";
  }
}
