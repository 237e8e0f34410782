package io.trainyard.ui;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** Photographs every open browser when a test fails (before @AfterEach closes them). */
final class ScreenshotOnFailure implements TestExecutionExceptionHandler {
  @Override
  public void handleTestExecutionException(ExtensionContext ctx, Throwable error) throws Throwable {
    String test = ctx.getRequiredTestClass().getSimpleName() + "-" + ctx.getRequiredTestMethod().getName();
    for (Browser b : Browser.OPEN) {
      try {
        b.screenshot("FAILED-" + test + "-" + b.name);
        System.err.println("[" + test + "] " + b.name + " at " + b.driver.getCurrentUrl() + "; console errors: " + b.consoleErrors());
      } catch (RuntimeException e) {
        System.err.println("[" + test + "] could not photograph " + b.name + ": " + e);
      }
    }
    throw error;
  }
}
