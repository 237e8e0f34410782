package io.trainyard.domain;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A failure the domain explains to its caller: what kind it is, a sentence, and for invalid input
 * the fields at fault. The domain never speaks HTTP; the web layer maps each {@link Kind} to a status.
 * Over the event bus it travels as a failure whose code is {@link Kind#code} and whose message is
 * {@link #toJson()}, so a service on another verticle (or node) fails exactly as an in-process one.
 */
public final class DomainException extends RuntimeException {
  /** What went wrong, from the caller's point of view. Codes match HTTP so logs read the same. */
  public enum Kind {
    INVALID(400), UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), RATE_LIMITED(429),
    /** A neighbour we depend on (a cloud provider) refused. */
    UPSTREAM(502),
    /** Something we depend on cannot be reached now; try again later. */
    UNAVAILABLE(503),
    /** The data directory is full or cannot be written: nothing new can be stored. */
    INSUFFICIENT_STORAGE(507);

    public final int code;

    Kind(int code) {
      this.code = code;
    }

    static Kind ofCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
    }
  }

  /** One bad field of a request. */
  public record FieldError(String field, String message) {
    JsonObject toJson() {
      return new JsonObject().put("field", field).put("message", message);
    }
  }

  private final Kind kind;
  private final List<FieldError> errors;
  /** For a refusal that passes with time (rate limits): when to try again, else null. */
  private final Long retryAfterSeconds;

  public DomainException(Kind kind, String detail, List<FieldError> errors) {
    this(kind, detail, errors, null);
  }

  private DomainException(Kind kind, String detail, List<FieldError> errors, Long retryAfterSeconds) {
    super(detail, null, false, false);
    this.kind = kind;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Too many requests of this kind for now; try again after the given seconds. */
  public static DomainException rateLimited(String detail, long retryAfterSeconds) {
    return new DomainException(Kind.RATE_LIMITED, detail, null, retryAfterSeconds);
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public DomainException(Kind kind, String detail) {
    this(kind, detail, null);
  }

  public Kind kind() {
    return kind;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public static DomainException notFound(String detail) {
    return new DomainException(Kind.NOT_FOUND, detail);
  }

  /** A request that cannot be carried out as asked (no particular field). */
  public static DomainException refused(String detail) {
    return new DomainException(Kind.INVALID, detail);
  }

  public static DomainException conflict(String detail) {
    return new DomainException(Kind.CONFLICT, detail);
  }

  /** Invalid input naming one field. */
  public static DomainException invalid(String field, String message) {
    return new DomainException(Kind.INVALID, field + ": " + message, List.of(new FieldError(field, message)));
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    errors.forEach(e -> list.add(e.toJson()));
    JsonObject json = new JsonObject().put("detail", getMessage()).put("errors", list);
    return retryAfterSeconds == null ? json : json.put("retry_after", retryAfterSeconds);
  }

  /** Answers a bus request with this failure (or a 500 for anything that is not a domain failure). */
  public static void reply(Message<?> msg, Throwable err) {
    if (err instanceof DomainException d) {
      msg.fail(d.kind.code, d.toJson().encode());
    } else {
      msg.fail(500, String.valueOf(err.getMessage()));
    }
  }

  /** The domain failure a bus reply carries, or {@code err} itself when it is not one. */
  public static Throwable fromReply(Throwable err) {
    if (!(err instanceof ReplyException re) || re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return err;
    }
    Kind kind = Kind.ofCode(re.failureCode());
    String text = re.getMessage();
    if (kind == null || text == null || !text.startsWith("{")) {
      return err;
    }
    try {
      JsonObject body = new JsonObject(text);
      JsonArray list = body.getJsonArray("errors", new JsonArray());
      List<FieldError> errors = list.stream().map(o -> (JsonObject) o)
          .map(o -> new FieldError(o.getString("field"), o.getString("message"))).toList();
      return new DomainException(kind, body.getString("detail"), errors, body.getLong("retry_after"));
    } catch (RuntimeException e) {
      return err;
    }
  }
}
