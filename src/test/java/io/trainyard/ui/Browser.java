package io.trainyard.ui;

import io.trainyard.testing.Await;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A headless Chromium driven over ChromeDriver, with small helpers for the Trainyard UI. Skips the
 * test when Chromium is not installed, unless CI is set (then a missing browser is a failure).
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(30);
  /** Open browsers, so a failing test can photograph them before they are closed. */
  static final Set<Browser> OPEN = ConcurrentHashMap.newKeySet();

  final String base;
  final WebDriver driver;
  final String name;
  private final ChromeDriverService service;
  private final Path profile;

  private Browser(String base, String name, WebDriver driver, ChromeDriverService service, Path profile) {
    this.base = base;
    this.name = name;
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** Skips (locally) or fails (CI) when Chromium or ChromeDriver is missing. */
  static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String why = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";
    if (System.getenv("CI") != null) {
      assertTrue(present, why);
    } else {
      Assumptions.assumeTrue(present, why);
    }
  }

  static Browser open(String baseUrl) {
    return open(baseUrl, "browser");
  }

  static Browser open(String baseUrl, String name) {
    requireChromium();
    try {
      Path profile = Files.createTempDirectory("trainyard-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--window-size=1400,900", "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
      Browser b = new Browser(baseUrl, name, driver, service, profile);
      OPEN.add(b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------- navigation ----------

  void go(String path) {
    driver.get(base + path);
  }

  String path() {
    return (String) js("return location.pathname");
  }

  void reload() {
    driver.navigate().refresh();
  }

  /** Signs in through the form and waits for the app shell. */
  Browser signIn(String username, String password) {
    if (driver.getCurrentUrl() == null || !driver.getCurrentUrl().startsWith(base)) {
      go("/");
    }
    waitFor("[data-testid=login-username]").sendKeys(username);
    $("[data-testid=login-password]").sendKeys(password);
    $("[data-testid=login-submit]").click();
    waitFor("[data-testid=current-user]");
    return this;
  }

  /** Waits until the event-bus indicator says live. */
  void awaitLive() {
    waitUntil(() -> "live".equals(attr("[data-testid=connection]", "data-state")), "the event bus to connect; indicator: "
        + attr("[data-testid=connection]", "data-state"));
  }

  // ---------- elements ----------

  WebElement $(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> $$(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  boolean exists(String css) {
    return !$$(css).isEmpty();
  }

  boolean visible(String css) {
    try {
      return $$(css).stream().anyMatch(WebElement::isDisplayed);
    } catch (StaleElementReferenceException e) {
      return false;
    }
  }

  /** The attribute of the first match, or null when there is none. */
  String attr(String css, String attribute) {
    Object v = js("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, attribute);
    return v == null ? null : v.toString();
  }

  /** The text of the first match ("" when there is none). */
  String text(String css) {
    Object v = js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css);
    return v == null ? "" : v.toString();
  }

  WebElement waitFor(String css) {
    return waitFor(css, WAIT);
  }

  WebElement waitFor(String css, Duration timeout) {
    WebElement[] found = new WebElement[1];
    waitUntil(() -> {
      for (WebElement e : $$(css)) {
        if (e.isDisplayed()) {
          found[0] = e;
          return true;
        }
      }
      return false;
    }, timeout, "element " + css);
    return found[0];
  }

  /** Clicks the first visible match, looking it up again if the page re-rendered it meanwhile. */
  void click(String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        waitFor(css).click();
        return;
      } catch (StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  void type(String css, String value) {
    WebElement e = waitFor(css);
    e.clear();
    js("arguments[0].value = ''", e);
    if (!value.isEmpty()) {
      e.sendKeys(value);
    }
  }

  /** Selects an option of a select element by value. */
  void select(String css, String value) {
    WebElement e = waitFor(css);
    js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", e, value);
  }

  /** Clicks "confirm" in the open dialog. */
  void confirmDialog() {
    click("dialog[open] [data-testid=confirm-ok]");
    waitUntil(() -> !exists("dialog[open]"), "the dialog to close");
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  // ---------- waiting ----------

  void waitUntil(Supplier<Boolean> condition, String what) {
    waitUntil(condition, WAIT, what);
  }

  void waitUntil(Supplier<Boolean> condition, Duration timeout, String what) {
    try {
      Await.until(what, timeout, () -> {
        try {
          return condition.get();
        } catch (NoSuchElementException | StaleElementReferenceException e) {
          throw e; // the page is still rendering: not yet
        } catch (RuntimeException e) {
          throw new AssertionError("while waiting for " + what + " in " + name, e); // anything else fails at once
        }
      }, Boolean.TRUE::equals);
    } catch (Await.Timeout e) {
      Throwable last = e.getCause();
      fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + " in " + name + " at " + driver.getCurrentUrl()
          + (last != null ? " (" + String.valueOf(last.getMessage()).lines().findFirst().orElse("") + ")" : ""), e);
    }
  }

  // ---------- evidence ----------

  Path screenshot(String file) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path out = SCREENSHOTS.resolve(file.endsWith(".png") ? file : file + ".png");
      Files.write(out, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Console messages of level SEVERE since the last call. */
  List<String> consoleErrors() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  /** Counts the page's fetch() calls from now on (see {@link #fetches()}). */
  void recordFetches() {
    js("if (!window.__fetchLog) { window.__fetchLog = []; const f = window.fetch;"
        + " window.fetch = function(u, o) { window.__fetchLog.push({t: Date.now(), url: String(u), method: (o && o.method) || 'GET'}); return f.apply(this, arguments); }; }");
  }

  @SuppressWarnings("unchecked")
  List<java.util.Map<String, Object>> fetches() {
    Object v = js("return window.__fetchLog || []");
    return (List<java.util.Map<String, Object>>) v;
  }

  @Override
  public void close() {
    OPEN.remove(this);
    try {
      driver.quit();
    } catch (RuntimeException ignored) {
      // already gone
    }
    service.stop();
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a temp dir; the OS cleans up
    }
  }
}
