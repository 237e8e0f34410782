package io.trainyard.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLogFormatterTest {
  @Test
  void aRecordIsOneLineOfJsonEvenWithQuotesNewlinesAndAStackTrace() {
    LogRecord r = new LogRecord(Level.SEVERE, "unhandled failure on GET /api/x\n\"forged\": true (request {0})");
    r.setParameters(new Object[] {"abc123"});
    r.setLoggerName("io.trainyard.http.Problems");
    r.setThrown(new IllegalStateException("boom"));
    String out = new JsonLogFormatter().format(r);
    assertEquals(1, out.strip().lines().count(), out);
    JsonObject line = new JsonObject(out);
    assertEquals("SEVERE", line.getString("level"));
    assertEquals("io.trainyard.http.Problems", line.getString("logger"));
    assertEquals("unhandled failure on GET /api/x\n\"forged\": true (request abc123)", line.getString("message"));
    assertTrue(line.getString("thrown").contains("IllegalStateException: boom"));
    assertTrue(line.getString("ts").endsWith("Z"));
  }
}
