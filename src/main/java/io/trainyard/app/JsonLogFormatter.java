package io.trainyard.app;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log record ({@code logging.format: json}), for log shippers that parse lines:
 * {@code {ts, level, logger, message, thrown?}}. Messages are escaped by the JSON encoder, so a
 * request's text can never break a line apart.
 */
public final class JsonLogFormatter extends Formatter {
  @Override
  public String format(LogRecord r) {
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(r.getMillis()).toString())
        .put("level", r.getLevel().getName())
        .put("logger", r.getLoggerName())
        .put("message", formatMessage(r));
    if (r.getThrown() != null) {
      StringWriter trace = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("thrown", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }
}
