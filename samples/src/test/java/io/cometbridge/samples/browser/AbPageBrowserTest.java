package io.cometbridge.samples.browser;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.samples.Main;
import io.cometbridge.samples.RunningServer;
import io.cometbridge.testing.RawHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The A/B split and page in real headless Chromium: with every new session in the polling cohort
 * the browser client ends up on long-polling and stays there (no probes back up, although they are
 * set to come fast), the page shows the session in the polling cohort, and its button runs a
 * comparison to the end with figures for both transports.
 */
class AbPageBrowserTest {

    @BeforeAll
    static void requireBrowser() {
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
    }

    @Test
    void aPollingCohortPageStaysOnPollingAndTheAbPageComparesOnDemand() throws Exception {
        try (RunningServer server = Main.start("--port", "0", "--drain", "200ms", "--stats", "--ab-polling-share", "1");
             Chromium browser = new Chromium(null)) {
            String origin = "http://127.0.0.1:" + server.port();
            browser.driver.get(origin + "/bridge/stats"); // a page of the bridge's origin: the script imports the client
            browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            Object opened = browser.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import('/bridge/client.js').then(({ BridgeSocket }) => {
                      window.got = [];
                      window.kinds = [];
                      window.sock = new BridgeSocket('/bridge', { probeDelay: 100, probeMaxDelay: 200 });
                      sock.onmessage = e => got.push(e.data);
                      sock.addEventListener('transportchange', () => kinds.push(sock.transport));
                      sock.onopen = () => done('open');
                    }).catch(e => done('failed: ' + e));
                    """);
            assertThat(opened).isEqualTo("open");
            await().atMost(Duration.ofSeconds(20)).until(() -> "polling".equals(browser.script("return sock.transport")));
            browser.script("sock.send(JSON.stringify({op: 'join', room: 'chat', name: 'ab'}));"
                    + "sock.send(JSON.stringify({op: 'chat', name: 'ab', text: 'over polling'}));");
            await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(browser.script("return got.join('|')")).contains("over polling"));
            Object framesBefore = browser.script("return sock.stats.byTransport.websocket.frames");
            Thread.sleep(2000); // ten probe delays: a client that ignored its cohort would have probed (a WebSocket frame) by now
            assertThat(browser.script("return sock.transport")).isEqualTo("polling");
            assertThat(browser.script("return sock.stats.byTransport.websocket.frames")).as("no WebSocket probe").isEqualTo(framesBefore);
            JsonObject cohorts = JsonParser.parseString(RawHttp.get(server.port(), "/bridge/stats?sessions=0", "127.0.0.1", "").body())
                    .getAsJsonObject().getAsJsonObject("cohorts");
            assertThat(cohorts.getAsJsonObject("polling").get("sessions").getAsInt()).isEqualTo(1);
            // The one WebSocket attach is the one that created the session (then moved with 4412); none since.
            assertThat(cohorts.getAsJsonObject("polling").getAsJsonObject("websocket").get("attaches").getAsLong()).isLessThanOrEqualTo(1);
            assertThat(cohorts.getAsJsonObject("polling").getAsJsonObject("polling").get("messagesIn").getAsLong()).isGreaterThanOrEqualTo(1);

            browser.driver.get(origin + "/ab.html");
            await().atMost(Duration.ofSeconds(20)).until(() -> cell("cohorts", "live sessions", browser) != null
                    && cell("cohorts", "live sessions", browser).get(2).equals("1"));
            assertThat(cell("cohorts", "live sessions", browser).get(1)).isEqualTo("0");
            for (String[] field : List.of(new String[]{"cmp-sessions", "2"}, new String[]{"cmp-messages", "5"}, new String[]{"cmp-runs", "2"})) {
                WebElement input = browser.driver.findElement(By.id(field[0]));
                input.clear();
                input.sendKeys(field[1]);
            }
            browser.driver.findElement(By.id("cmp-start")).click();
            await().atMost(Duration.ofSeconds(120)).until(() -> browser.driver.findElement(By.id("cmp-status")).getText().startsWith("done"));
            List<String> wire = cell("compare", "wire bytes per message", browser);
            assertThat(wire.get(1)).as("websocket").matches("[0-9,.]+ +\\([0-9,.]+ – [0-9,.]+\\)");
            assertThat(wire.get(2)).as("polling").matches("[0-9,.]+ +\\([0-9,.]+ – [0-9,.]+\\)");
            assertThat(browser.driver.findElements(By.cssSelector("#compare tbody tr"))).hasSize(6);
        }
    }

    /** The cells of the row of table {@code id} whose first cell is {@code label}, or null. */
    private static List<String> cell(String id, String label, Chromium browser) {
        for (WebElement row : browser.driver.findElements(By.cssSelector("#" + id + " tbody tr"))) {
            List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
            if (!cells.isEmpty() && cells.get(0).equals(label)) return cells;
        }
        return null;
    }
}
