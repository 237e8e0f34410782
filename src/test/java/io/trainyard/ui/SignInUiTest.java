package io.trainyard.ui;

import io.trainyard.testing.TestServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign-in and sign-out in the browser: cookie sessions only, deep links kept across the sign-in. */
class SignInUiTest extends UiTest {

  @Test
  void wrongPasswordIsRefusedOnThePage() {
    Browser b = browser("anon");
    b.go("/");
    b.type("[data-testid=login-username]", "admin");
    b.type("[data-testid=login-password]", "not-the-password");
    b.click("[data-testid=login-submit]");
    b.waitFor("[data-testid=login-error]");
    assertEquals("Wrong username or password.", b.text("[data-testid=login-error]").trim());
    assertFalse(b.exists("[data-testid=current-user]"), "still signed out");
  }

  @Test
  void sessionLivesInAnHttpOnlyCookieOnlyAndSignOutEndsIt() {
    Browser b = browser("admin");
    b.go("/jobs");
    b.signIn("admin", TestServer.ADMIN_PASSWORD);
    assertEquals("/jobs", b.path());
    assertTrue(b.text("[data-testid=current-user]").contains("admin"));
    // The token never reaches script-visible storage: HttpOnly cookie, nothing in Web Storage.
    assertFalse(String.valueOf(b.js("return document.cookie")).contains("trainyard_session"), "cookie is HttpOnly");
    assertEquals(0L, b.js("return localStorage.length + sessionStorage.length"), "nothing in web storage");
    assertTrue(b.driver.manage().getCookieNamed("trainyard_session").isHttpOnly());

    b.click("[data-testid=logout]");
    b.waitFor("[data-testid=login-username]");
    assertEquals("/login", b.path());
    b.reload();
    b.waitFor("[data-testid=login-username]");
    assertFalse(b.exists("[data-testid=current-user]"), "a reload after sign-out shows the sign-in page");
  }

  @Test
  void aDeepLinkOpenedSignedOutLandsThereAfterSignIn() {
    Browser b = browser("admin-deep");
    b.go("/analytics");
    b.waitFor("[data-testid=login-username]");
    b.signIn("admin", TestServer.ADMIN_PASSWORD);
    assertEquals("/analytics", b.path());
    b.waitUntil(() -> b.text("h1.page-title").contains("Analytics"), "the analytics page");
  }
}
