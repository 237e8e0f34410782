package io.trainyard.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A failure with an HTTP status that the failure handler turns into problem+json. */
public class ApiException extends RuntimeException {
  private final int status;
  private final JsonArray errors;

  public ApiException(int status, String detail) {
    this(status, detail, null);
  }

  public ApiException(int status, String detail, JsonArray errors) {
    super(detail, null, false, false);
    this.status = status;
    this.errors = errors;
  }

  public int status() {
    return status;
  }

  public JsonArray errors() {
    return errors;
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  /** A 400 naming one field. */
  public static ApiException invalid(String field, String message) {
    return new ApiException(400, field + ": " + message,
        new JsonArray().add(new JsonObject().put("field", field).put("message", message)));
  }
}
