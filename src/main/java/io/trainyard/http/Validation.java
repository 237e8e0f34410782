package io.trainyard.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Collects every bad field of a request so one 400 names them all. */
public final class Validation {
  private final List<String[]> errors = new ArrayList<>();

  public Validation add(String field, String message) {
    errors.add(new String[] {field, message});
    return this;
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  /** Throws the 400 if anything was wrong. */
  public void throwIfInvalid() {
    if (errors.isEmpty()) {
      return;
    }
    JsonArray list = new JsonArray();
    errors.forEach(e -> list.add(new JsonObject().put("field", e[0]).put("message", e[1])));
    String detail = errors.stream().map(e -> e[0] + ": " + e[1]).collect(Collectors.joining("; "));
    throw new ApiException(400, detail, list);
  }
}
