package io.trainyard.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Swagger UI at /api/docs really renders the document under the server's Content-Security-Policy. */
class ApiDocsUiTest extends UiTest {
  @Test
  void swaggerUiRendersTheDocumentWithoutSignInOrPolicyViolations() {
    Browser b = browser("docs");
    b.go("/api/docs");
    // Swagger UI gives each operation the id operations-<tag>-<operationId>.
    b.waitFor("#operations-jobs-getJob");
    assertTrue(b.exists("#operations-jobs-submitTrain"));
    assertTrue(b.text(".info .title").startsWith("Trainyard"), b.text(".info .title"));
    // A refused script, style or fetch (CSP) is logged as a console error.
    assertEquals(java.util.List.of(), b.consoleErrors());
  }
}
