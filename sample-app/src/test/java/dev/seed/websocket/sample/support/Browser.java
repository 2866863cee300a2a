package dev.seed.websocket.sample.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through chromedriver, with a fresh profile, talking to
 * loopback only; with the chat page's moves (join, send) and what a person reads on it.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);

    // Selenium looks for a DevTools binding matching the browser's version, and warns when it finds
    // none; these tests use WebDriver only. Strong references: java.util.logging keeps weak ones.
    private static final List<java.util.logging.Logger> QUIET_LOGGERS = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    private final String name;
    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Browser(String name, Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.name = name;
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Starts a browser; fails with a message saying how to install Chromium when it is missing. */
    public static Browser start(String name) throws IOException {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " not found: the browser tests need Debian's chromium and chromium-driver "
                        + "packages. bin/test installs them when run as root (bin/setup.d/20-chromium.sh); "
                        + "or run: apt-get install chromium chromium-driver");
            }
        }
        QUIET_LOGGERS.forEach(logger -> logger.setLevel(java.util.logging.Level.SEVERE));
        Path profile = Files.createTempDirectory("chromium-profile-");
        Path logs = Tools.moduleDir().resolve("target/browser-logs");
        Files.createDirectories(logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(logs.resolve("chromedriver-" + name + ".log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile,
                "--window-size=1200,800",
                // no traffic but to the page under test: this machine has no network, and Chromium
                // would otherwise keep trying its own services
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--disable-quic",
                "--disable-features=OptimizationHints,MediaRouter,Translate",
                // nothing but 127.0.0.1 resolves: the browser reaches the app under test and no other host
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--disable-dev-shm-usage");
        try {
            return new Browser(name, profile, service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(URI page) {
        driver.get(page.toString());
        waitUntil("the join form", () -> driver.findElement(By.id("join-form")).isDisplayed());
    }

    /** Fills in the join form and waits for the room's welcome. */
    public void join(String userName, String room) {
        WebElement nameField = driver.findElement(By.id("name"));
        nameField.clear();
        nameField.sendKeys(userName);
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("join")).click();
        waitForState("open");
        waitForNotice("You joined #" + room + " as " + userName);
    }

    /** Types a message and presses Send. */
    public void send(String text) {
        WebElement field = driver.findElement(By.id("text"));
        field.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    /** The connection state the page shows (data-state of the status badge). */
    public String state() {
        return driver.findElement(By.id("status")).getDomAttribute("data-state");
    }

    public String statusText() {
        return driver.findElement(By.id("status-text")).getText();
    }

    public void waitForState(String state) {
        waitUntil("state " + state + " (now " + stateOrUnknown() + ")", () -> state.equals(state()));
    }

    /** Waits until the page shows a confirmed (not pending) message from {@code from} with this text. */
    public void waitForMessage(String from, String text) {
        waitUntil("a message from " + from + ": " + text, () -> hasMessage(from, text, false));
    }

    /** Whether a message shows; {@code pending}: sent from this page and not yet confirmed by the server. */
    public boolean hasMessage(String from, String text, boolean pending) {
        for (WebElement item : driver.findElements(By.cssSelector("#messages li.message"))) {
            boolean isPending = item.getDomAttribute("class").contains("pending");
            if (isPending == pending && from.equals(item.getDomAttribute("data-name"))
                    && text.equals(item.findElement(By.cssSelector(".text")).getText())) {
                return true;
            }
        }
        return false;
    }

    public void waitForNotice(String text) {
        waitUntil("the notice '" + text + "'", () -> notices().contains(text));
    }

    public List<String> notices() {
        return driver.findElements(By.cssSelector("#messages li.notice")).stream().map(WebElement::getText).toList();
    }

    public List<String> members() {
        return driver.findElements(By.cssSelector("#members li")).stream().map(WebElement::getText).toList();
    }

    public void waitForMembers(String... names) {
        // Members are listed in join order, which after a reconnection depends on who came back first.
        List<String> expected = java.util.Arrays.stream(names).sorted().toList();
        waitUntil("members " + expected, () -> members().stream().sorted().toList().equals(expected));
    }

    /** Saves what the page shows as a PNG. */
    public Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    public void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> name + ": waiting for " + what + "; page shows state " + stateOrUnknown()
                        + ", status '" + statusOrUnknown() + "', notices " + noticesOrUnknown())
                .until(d -> condition.getAsBoolean());
    }

    private String stateOrUnknown() {
        try {
            return state();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private String statusOrUnknown() {
        try {
            return statusText();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private String noticesOrUnknown() {
        try {
            return notices().toString();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
