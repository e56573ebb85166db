package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.client.CollectSummary;
import dev.dmap.client.Collector;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OutputFiles;
import dev.dmap.client.ProgressListener;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.gateway.app.GatewayApplication;
import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.schemas.testing.ForeignClients;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console in a real browser (Debian's chromium through chromedriver): sign in with an API key,
 * see every invalid line of an upload before anything is published, start a batch and watch its
 * progress reach 100 % without a reload, download its output (as {@code dmap collect} writes it),
 * cancel a batch, another owner's batch is not there, a revoked key's session ends, and the fleet
 * page (admin) lists both workers of a two-worker run with the model each holds. A real broker, two
 * workers with their batch trackers, the LM Studio EMULATOR. Screenshots of each page go to
 * {@code target/console-screenshots} (docs/console.md shows them).
 */
class ConsoleIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final String LLAMA = "meta-llama-3.1-8b-instruct";
    private static LocalBroker broker;
    private static final List<LmStudioEmulator> gpus = new ArrayList<>();
    private static final List<Worker> workers = new ArrayList<>();
    private static ConfigurableApplicationContext gateway;
    private static String console;
    private static Path keys;
    private static String aliceBatch;
    @TempDir
    static Path dir;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ForeignClients.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "DMAP_REQUIRE_BROWSER",
                "Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        broker = LocalBroker.startTemporary();
        for (int i = 1; i <= 2; i++) {
            LmStudioEmulator gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.2).build());
            gpus.add(gpu);
            WorkerConfig config = WorkerConfig.defaults("console-gpu-" + i, broker.bootstrapServers(), gpu.baseUrl());
            config = config.withBackend(config.backend().withUnloadCooldown(Duration.ofMillis(20)))
                    .withBatches(new BatchSettings(true, dir.resolve("tracker-" + i), BatchSettings.DEFAULT_RETENTION));
            workers.add(Worker.start(config, new SimpleMeterRegistry()));
        }
        keys = dir.resolve("keys.txt");
        Files.writeString(keys, "sk-alice alice\nsk-bob bob\nsk-dave dave\nsk-ops ops admin\n");
        gateway = GatewayApplication.start(new String[] {"--port", "0", "--bootstrap-servers", broker.bootstrapServers(),
                "--api-keys-file", keys.toString(), "--dir", dir.resolve("gateway").toString()});
        console = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port") + "/console";
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        workers.forEach(Worker::close);
        gpus.forEach(LmStudioEmulator::close);
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
    }

    @Test
    void shouldReportEveryInvalidLineWithItsLineAndFieldBeforeAnythingIsPublished() throws Exception {
        Path file = Files.write(dir.resolve("two-bad-lines.jsonl"), List.of(ChatLine.of("good-1", QWEN).json(),
                "{\"custom_id\":\"no-body\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\"}",
                ChatLine.of("good-2", QWEN).json(),
                "{\"custom_id\":\"bad-tokens\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + QWEN
                        + "\",\"max_tokens\":\"many\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}"));
        WebDriver browser = signedIn("sk-bob");

        upload(browser, file);

        List<WebElement> problems = browser.findElements(By.cssSelector("#problems tr.line-problem"));
        assertThat(problems).extracting(row -> row.findElements(By.tagName("td")).get(0).getText()).containsExactly("2", "4");
        assertThat(problems.get(0).getText()).contains("body");
        assertThat(problems.get(1).getText()).contains("max_tokens");
        assertThat(browser.findElements(By.id("start"))).as("nothing to start").isEmpty();
        screenshot(browser, "upload-problems");
        browser.get(console);
        assertThat(text(browser, By.id("rows"))).as("nothing was published").contains("No batches yet");
    }

    @Test
    void shouldStartABatchAndWatchItsProgressReachAHundredPerCentWithoutAReload() throws Exception {
        WebDriver browser = signedIn("sk-alice");
        String batch = startBatch(browser, "alice-batch.jsonl", IntStream.range(0, 24).mapToObj(i -> ChatLine.of("ok-" + i,
                i % 2 == 0 ? QWEN : LLAMA).maxTokens(16).json()).toList(), ChatLine.of("missing-model", "no-such-model").json());
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.dmapNoReload = true;");

        waitFor(browser, Duration.ofMinutes(3)).until(page -> "completed".equals(page.findElement(By.id("status")).getText())
                && "100".equals(page.findElement(By.id("progress")).getDomProperty("value")));

        assertThat(((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return window.dmapNoReload === true;"))
                .as("the page updated itself, never reloaded").isEqualTo(true);
        assertThat(text(browser, By.id("progress-text"))).contains("24 succeeded, 1 failed of 25");
        waitFor(browser, Duration.ofSeconds(30)).until(page -> page.findElement(By.id("errors")).getText().contains("model_not_found (1)"));
        screenshot(browser, "batch");
        click(browser, By.cssSelector("#errors button")); // replay: the model is still missing, so it fails again
        assertThat(text(browser, By.cssSelector("[role=status]"))).isEqualTo(
                "Replayed 1 request(s) that failed with model_not_found.");
        waitFor(browser, Duration.ofSeconds(60)).until(page -> page.findElements(By.cssSelector("#errors td.attempts")).stream()
                .anyMatch(cell -> Integer.parseInt(cell.getText()) > 1));
        assertThat(text(browser, By.id("errors"))).as("one request, by its latest dead letter").contains("model_not_found (1)");
        Path collected = dir.resolve("collected.jsonl");
        CollectSummary summary = new Collector(KafkaConnection.of(broker.bootstrapServers(), "dmap")).collect(batch,
                new OutputFiles(collected, dir.resolve("collected.errors.jsonl")), Collector.Options.DEFAULT.withPatience(Duration.ofMinutes(1)),
                ProgressListener.NONE);
        assertThat(summary.complete()).isTrue();
        HttpResponse<String> output = get(browser, browser.findElement(By.id("download-output")).getDomAttribute("href"));
        assertThat(output.statusCode()).isEqualTo(200);
        assertThat(output.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
        assertThat(sorted(output.body().lines().toList())).hasSize(24).isEqualTo(sorted(Files.readAllLines(collected)));
        aliceBatch = batch;

        browser.get(console);
        waitFor(browser, Duration.ofSeconds(30)).until(page -> page.findElement(By.id("rows")).getText().contains(batch));
    }

    @Test
    void shouldCancelABatchAndSeeItEndCancelled() throws Exception {
        WebDriver browser = signedIn("sk-alice");
        startBatch(browser, "slow.jsonl", IntStream.range(0, 300).mapToObj(i -> ChatLine.of("slow-" + i, QWEN).maxTokens(2000).json())
                .toList());
        waitFor(browser, Duration.ofMinutes(1)).until(page -> !page.findElements(By.id("cancel")).isEmpty());

        waitFor(browser, Duration.ofSeconds(10)).until(page -> { // the keyboard: focus the button, press Enter
            page.findElement(By.id("cancel")).sendKeys(Keys.ENTER);
            return true;
        });

        waitFor(browser, Duration.ofMinutes(3)).until(page -> "cancelled".equals(page.findElement(By.id("status")).getText()));
        assertThat(browser.findElements(By.id("cancel"))).isEmpty();
        assertThat(text(browser, By.id("progress-text"))).contains("of 300");
    }

    @Test
    void shouldNotShowAnotherOwnersBatchAndAnswerItsUrlWith404() throws Exception {
        String batch = aliceBatch != null ? aliceBatch
                : startBatch(signedIn("sk-alice"), "for-alice.jsonl", List.of(ChatLine.of("only", QWEN).maxTokens(8).json()));
        WebDriver bob = signedIn("sk-bob");

        assertThat(text(bob, By.id("rows"))).doesNotContain(batch);
        assertThat(get(bob, console + "/batches/" + batch).statusCode()).isEqualTo(404);
        assertThat(get(bob, console + "/batches/" + batch + "/output.jsonl").statusCode()).isEqualTo(404);
        bob.get(console + "/batches/" + batch);
        assertThat(bob.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        assertThat(get(bob, console + "/fleet").statusCode()).as("the fleet is for admin keys").isEqualTo(404);
    }

    @Test
    void shouldEndTheSessionOfARevokedKey() throws Exception {
        WebDriver dave = signedIn("sk-dave");
        assertThat(dave.findElement(By.id("owner")).getText()).isEqualTo("dave");

        Files.writeString(keys, "sk-alice alice\nsk-bob bob\nsk-ops ops admin\n");

        // the list's own poll learns it: the page goes to the sign-in by itself
        waitFor(dave, Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().endsWith("/console/login"));
        dave.get(console);
        assertThat(dave.getCurrentUrl()).endsWith("/console/login");
        dave.findElement(By.id("key")).sendKeys("sk-dave");
        dave.findElement(By.cssSelector("form button[type=submit]")).click();
        assertThat(text(dave, By.cssSelector("[role=alert]"))).contains("not in this gateway's keys file");
        screenshot(dave, "login");
    }

    @Test
    void shouldListBothWorkersOfTheFleetWithTheModelEachHolds() throws Exception {
        WebDriver ops = signedIn("sk-ops");
        startBatch(ops, "fleet.jsonl", IntStream.range(0, 60).mapToObj(i -> ChatLine.of("f-" + i, i % 2 == 0 ? QWEN : LLAMA)
                .maxTokens(64).json()).toList());

        ops.get(console + "/fleet");

        // each row as read at one moment: worker id, model held, loads in the last hour, windows
        List<List<String>> rows = waitFor(ops, Duration.ofMinutes(2)).until(page -> {
            List<List<String>> read = page.findElements(By.cssSelector("#fleet tr.worker")).stream().map(row -> List.of(
                    row.getDomAttribute("data-worker"), row.findElement(By.cssSelector("td.held")).getText(),
                    row.findElement(By.cssSelector("td.loads-hour")).getText(),
                    row.findElement(By.cssSelector("td.window")).getText())).toList();
            return read.size() == 2 && read.stream().noneMatch(row -> row.get(1).isBlank()) ? read : null;
        });
        assertThat(rows).extracting(row -> row.get(0)).containsExactlyInAnyOrder("console-gpu-1", "console-gpu-2");
        assertThat(rows).allSatisfy(row -> assertThat(row.get(1)).containsAnyOf(QWEN, LLAMA));
        assertThat(rows).as("each loaded its model within the hour").allSatisfy(row -> assertThat(Integer.parseInt(row.get(2))).isPositive());
        assertThat(rows).as("each shows the window of the model it holds: the emulator's slots")
                .allSatisfy(row -> assertThat(row.get(3)).containsPattern(java.util.regex.Pattern.quote(row.get(1).split(", ")[0]) + "=[1-9]"));
        screenshot(ops, "fleet");
        ops.get(console);
        waitFor(ops, Duration.ofSeconds(30)).until(page -> page.findElements(By.cssSelector("#rows tr[data-batch]")).size() > 0);
        screenshot(ops, "batches"); // an admin's list: every owner's batches
    }

    /** Uploads {@code lines} (and {@code more}), checks the estimate, starts the batch; returns its id, on its page. */
    private String startBatch(WebDriver browser, String name, List<String> lines, String... more) throws Exception {
        List<String> all = new ArrayList<>(lines);
        all.addAll(List.of(more));
        upload(browser, Files.write(dir.resolve(name), all));
        List<WebElement> estimate = browser.findElements(By.cssSelector("#estimate tr.estimate-row"));
        assertThat(estimate).as("one estimate row per model, on the page:%n%s", browser.findElement(By.tagName("main")).getText()).hasSize((int) all.stream().map(line -> line.replaceAll(".*\"model\":\"([^\"]+)\".*", "$1"))
                .distinct().count());
        if ("alice-batch.jsonl".equals(name)) {
            screenshot(browser, "upload-estimate");
        }
        browser.findElement(By.id("start")).click();
        waitFor(browser, Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().contains("/console/batches/")
                && !page.findElements(By.id("status")).isEmpty());
        String url = browser.getCurrentUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private void upload(WebDriver browser, Path file) {
        browser.get(console + "/upload");
        browser.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("check")).click();
        waitFor(browser, Duration.ofSeconds(60)).until(page -> !page.findElements(By.cssSelector("#problems, #estimate, main > p.problem")).isEmpty());
    }

    private WebDriver signedIn(String key) {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + dir.resolve("chromium-" + browsers.size() + "-" + key));
        WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
        browsers.add(browser);
        browser.get(console);
        assertThat(browser.getCurrentUrl()).as("a page without a session goes to the sign-in").endsWith("/console/login");
        browser.findElement(By.id("key")).sendKeys(key, Keys.ENTER); // with the keyboard, as every form of the console
        waitFor(browser, Duration.ofSeconds(15)).until(page -> !page.findElements(By.id("owner")).isEmpty());
        Cookie session = browser.manage().getCookieNamed("dmap_console");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        return browser;
    }

    /** A GET with the browser's session cookie, to read a status code or a download as the browser would get it. */
    private static HttpResponse<String> get(WebDriver browser, String url) throws Exception {
        Cookie session = browser.manage().getCookieNamed("dmap_console");
        URI target = URI.create(console).resolve(url);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(target).header("Cookie", "dmap_console=" + session.getValue()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The text of a live part (read again if htmx swapped it while it was read). */
    private static String text(WebDriver browser, By what) {
        return waitFor(browser, Duration.ofSeconds(10)).until(page -> page.findElement(what).getText());
    }

    /** Clicks an element of a live part (found again if htmx swapped it meanwhile). */
    private static void click(WebDriver browser, By what) {
        waitFor(browser, Duration.ofSeconds(10)).until(page -> {
            page.findElement(what).click();
            return true;
        });
    }

    /** A wait that reads live parts: an element htmx swapped out while it was read is read again. */
    private static WebDriverWait waitFor(WebDriver browser, Duration atMost) {
        WebDriverWait wait = new WebDriverWait(browser, atMost);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void screenshot(WebDriver browser, String name) throws Exception {
        Files.write(SCREENSHOTS.resolve("console-" + name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().filter(line -> !line.isBlank()).sorted().toList();
    }
}
