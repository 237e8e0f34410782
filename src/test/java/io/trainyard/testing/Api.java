package io.trainyard.testing;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A blocking REST client for tests, optionally signed in with a bearer token. */
public final class Api {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private JsonObject user;

  public Api(String base) {
    this(base, null);
  }

  private Api(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Api login(String username, String password) {
    Res r = post("/api/auth/login", new JsonObject().put("username", username).put("password", password)).expect(200);
    Api signed = new Api(base, r.json().getString("token"));
    signed.user = r.json().getJsonObject("user");
    return signed;
  }

  /** The same signed-in user talking to another server (a cluster node sharing the sessions). */
  public Api at(String otherBase) {
    Api moved = new Api(otherBase, token);
    moved.user = user;
    return moved;
  }

  public String token() {
    return token;
  }

  public long userId() {
    return user.getLong("id");
  }

  public Res get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Res delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  public Res post(String path, JsonObject body) {
    return postRaw(path, body == null ? "" : body.encode());
  }

  public Res postRaw(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Res patch(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Res send(HttpRequest.Builder req) {
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> resp = CLIENT.send(req.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return new Res(resp);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Submits a train job on the demo dataset with the given overrides; returns the job. */
  public JsonObject train(JsonObject overrides) {
    JsonObject body = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1);
    return post("/api/jobs/train", body.mergeIn(overrides)).expect(200).json().getJsonObject("job");
  }

  public JsonObject job(String id) {
    return get("/api/jobs/" + id).expect(200).json().getJsonObject("job");
  }

  /** Polls the job until the predicate holds (or fails after the timeout, showing the last record). */
  public JsonObject awaitJob(String id, Predicate<JsonObject> until, Duration timeout) {
    return Await.until("job " + id + " to reach the expected state", timeout, () -> job(id), until);
  }

  public JsonObject awaitStatus(String id, String status) {
    return awaitJob(id, j -> status.equals(j.getString("status")), Duration.ofSeconds(60));
  }

  /** The job's log as {@code GET /api/jobs/{id}/log} shows it. */
  public String log(String id) {
    return get("/api/jobs/" + id + "/log").expect(200).json().getString("log");
  }

  /** Waits until the job's log contains {@code text} (a line its program prints at a known point). */
  public String awaitLog(String id, String text, Duration timeout) {
    return Await.until("the log of job " + id + " to contain \"" + text + "\"", timeout, () -> log(id), l -> l.contains(text));
  }

  /** A response with helpers for asserting on it. */
  public static final class Res {
    private final HttpResponse<String> resp;

    Res(HttpResponse<String> resp) {
      this.resp = resp;
    }

    public int status() {
      return resp.statusCode();
    }

    public String body() {
      return resp.body();
    }

    public String header(String name) {
      return resp.headers().firstValue(name).orElse(null);
    }

    public java.util.List<String> headers(String name) {
      return resp.headers().allValues(name);
    }

    public JsonObject json() {
      Object v = Json.decodeValue(resp.body());
      return (JsonObject) v;
    }

    public Res expect(int status) {
      assertEquals(status, resp.statusCode(), () -> "unexpected status; body: " + resp.body());
      return this;
    }

    /** Asserts an RFC 9457 problem with this status; returns its body. */
    public JsonObject problem(int status) {
      expect(status);
      assertEquals("application/problem+json", header("Content-Type"), "problem content type");
      JsonObject body = json();
      assertEquals(status, body.getInteger("status"));
      assertEquals("about:blank", body.getString("type"));
      return body;
    }
  }
}
