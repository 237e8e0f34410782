package io.trainyard.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking JSON client of the REST contract. Any answer other than 2xx, and any failure to get an
 * answer, becomes a {@link Trouble} carrying the problem's detail and field errors, so commands only
 * handle the happy path.
 */
final class Rest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  Rest(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  static Rest signedIn(Credentials c) {
    return new Rest(c.url(), c.token());
  }

  JsonObject get(String path) {
    return send(request(path).GET());
  }

  JsonObject post(String path, JsonObject body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.encode())));
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    URI uri;
    try {
      uri = URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new Trouble("bad server URL " + base + ": " + e.getMessage());
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private JsonObject send(HttpRequest.Builder req) {
    HttpResponse<String> resp;
    try {
      resp = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Trouble("cannot reach " + base + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Trouble("interrupted", e);
    } catch (IllegalArgumentException e) {
      throw new Trouble("bad server URL " + base + ": " + e.getMessage(), e);
    }
    JsonObject body = parse(resp.body());
    if (resp.statusCode() / 100 != 2) {
      throw new Trouble(problem(resp.statusCode(), body, resp.body()));
    }
    if (body == null) {
      throw new Trouble("the server at " + base + " answered " + resp.statusCode() + " without JSON");
    }
    return body;
  }

  /** The JDK client often wraps the reason without a message; "connection refused" is what users know. */
  private static String describe(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }

  private static JsonObject parse(String text) {
    try {
      return text == null || text.isBlank() ? null : new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** "400 Bad Request: detail" followed by one indented line per field error. */
  static String problem(int status, JsonObject body, String raw) {
    if (body == null) {
      String text = raw == null ? "" : raw.strip();
      return "HTTP " + status + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) : text));
    }
    StringBuilder sb = new StringBuilder().append(status);
    String title = body.getString("title");
    if (title != null) {
      sb.append(' ').append(title);
    }
    String detail = body.getString("detail");
    if (detail != null) {
      sb.append(": ").append(detail);
    }
    Object errors = body.getValue("errors");
    if (errors instanceof JsonArray list) {
      for (Object e : list) {
        if (e instanceof JsonObject fe) {
          sb.append("\n  ").append(fe.getString("field")).append(": ").append(fe.getString("message"));
        }
      }
    }
    return sb.toString();
  }
}
