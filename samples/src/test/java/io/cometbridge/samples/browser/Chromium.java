package io.cometbridge.samples.browser;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The system's headless Chromium (Debian packages chromium and chromium-driver), driven by Selenium
 * with both binaries named explicitly, so Selenium Manager never looks for (or downloads) a browser
 * or a driver. Every instance has a fresh profile, deleted on close.
 */
public final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM_LOG.setLevel(Level.SEVERE); // no "CDP version not found" warnings: CDP is not used
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    }

    private final Path profile;
    private final ChromeDriverService service;
    public final ChromeDriver driver;

    public static boolean available() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /** @param proxy host:port of an HTTP proxy for every request, loopback included; or null */
    public Chromium(String proxy) throws IOException {
        this(proxy, new String[0]);
    }

    /** With more command-line switches (e.g. {@code --ignore-certificate-errors} for a test certificate). */
    public Chromium(String proxy, String... moreArguments) throws IOException {
        profile = Files.createTempDirectory("cb-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,900", "--user-data-dir=" + profile,
                // Nothing but loopback: no host name resolves (so no DNS query leaves the machine),
                // and the background services that would try are off.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--disable-features=NetworkTimeServiceQuerying,AutofillServerCommunication,OptimizationHints,"
                        + "MediaRouter,DialMediaRouteProvider,Translate,CertificateTransparencyComponentUpdater",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
                "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                "--disable-search-engine-choice-screen", "--safebrowsing-disable-auto-update",
                "--disable-field-trial-config");
        options.addArguments(moreArguments);
        if (proxy != null) {
            // Chromium never proxies loopback unless told so.
            options.addArguments("--proxy-server=http://" + proxy, "--proxy-bypass-list=<-loopback>");
        }
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(profile.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver d;
        try {
            d = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            Files.deleteIfExists(profile.resolve("chromedriver.log"));
            throw e;
        }
        driver = d;
    }

    /** window.demo.state() of the chat demo page, or null before the page's module ran. */
    JsonObject demoState() {
        Object json = driver.executeScript("return window.demo ? JSON.stringify(window.demo.state()) : null");
        return json == null ? null : JsonParser.parseString((String) json).getAsJsonObject();
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            TempDirs.delete(profile);
        }
    }
}
