package dev.dmap.bench.chaos;

import dev.dmap.client.KafkaConnection;
import dev.dmap.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dmap chaos}: a seeded random fault run against three brokers, three workers and their
 * backends, under a mixed stream of batches and online calls, checked at the end by an independent
 * reader. Exits 0 when every request ended exactly once, every call's reply reached its caller, every
 * batch reached a terminal state, no fault made a dead letter and every worker is live; 1 otherwise.
 * docs/reliability.md has the figures.
 */
@Command(name = "dmap chaos", mixinStandardHelpOptions = true,
        description = {"Break a three-broker, three-worker fleet at random for a while under a mixed stream, then check",
                "that every request ended exactly once. Prints the seed, the fault log and the counts; the same",
                "--seed replays the same schedule."})
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "20", description = "How long faults go on (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--seed", description = "The schedule's seed (default: a new one, printed).")
    Long seed;

    @Option(names = "--dir", description = "Where the cluster's data, the workers' state and logs go (default: a new folder under /tmp).")
    Path dir;

    @Option(names = "--settle", defaultValue = "10", description = "Minutes to wait for the last requests after the faults (default: ${DEFAULT-VALUE}).")
    double settleMinutes;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.setProperty("dmap.log.console", System.getProperty("dmap.log.console", "OFF"));
        System.exit(new CommandLine(new ChaosCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long runSeed = seed != null ? seed : System.nanoTime();
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("dmap-chaos-");
        Clock clock = Clock.systemUTC();
        Topics topics = new Topics("chaos" + Long.toHexString(runSeed & 0xffffff));
        out.printf("dmap chaos: seed %d, %.1f minutes of faults, data and logs in %s%n", runSeed, minutes, work);
        try (ChaosFleet fleet = ChaosFleet.start(work, topics, 3, 3)) {
            // stopped early (Ctrl-C, kill): no broker or worker JVM is left behind
            Thread cleanup = new Thread(fleet::close, "chaos-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            KafkaConnection kafka = new KafkaConnection(fleet.bootstrapServers(), topics, Map.of(), Duration.ofSeconds(30));
            ChaosTraffic traffic = new ChaosTraffic(kafka, work, runSeed, clock);
            ChaosGatewayTraffic viaGateway = new ChaosGatewayTraffic(fleet.gatewayUrl(), runSeed);
            traffic.start();
            viaGateway.start();
            Instant started = clock.instant();
            List<Fault> faults = new ChaosSchedule(runSeed, fleet, clock, out)
                    .run(started.plusMillis((long) (minutes * 60_000)));
            Instant faultsEnded = clock.instant();
            java.util.Optional<String> hanging = traffic.hangingSubmit(); // before stop(), which would wait for it
            hanging.ifPresent(stack -> System.err.println("chaos: " + stack));
            traffic.stop();
            viaGateway.stop();
            out.printf("Faults over; waiting up to %.0f minutes for the last outcomes, replies, collects and batch states%n", settleMinutes);
            ChaosCheck check = new ChaosCheck(kafka);
            Instant settleBy = faultsEnded.plusMillis((long) (settleMinutes * 60_000));
            while (clock.instant().isBefore(settleBy) && !(settled(check, traffic) & viaGateway.allCollected())) {
                Thread.sleep(5_000);
            }
            Duration settled = Duration.between(faultsEnded, clock.instant());
            java.util.Set<String> unanswered = traffic.calls().unanswered();
            if (!unanswered.isEmpty()) { // before close(), which deletes the caller's reply topic
                check.explainUnanswered(unanswered, traffic.calls().replyTopic()).forEach(out::println);
            }
            traffic.close(); // the replies that arrive while the caller closes still count
            ChaosCheck.Findings findings = check.check(traffic.confirmed(), traffic.unconfirmed(), traffic.batches(),
                    traffic.calls().unanswered().size(), id -> id.startsWith("call-")
                            || viaGateway.batches().stream().anyMatch(batch -> id.startsWith(batch + ":")),
                    id -> id.startsWith("call-"), viaGateway.maybePublished());
            int live = 0;
            for (int i = 0; i < fleet.workers(); i++) {
                live += fleet.workerLive(i) ? 1 : 0;
            }
            // and did its work at all: a run in which no gateway batch was taken proves nothing of them
            boolean gatewayRodeThrough = fleet.gatewayLive() && viaGateway.unanswered() == 0 && viaGateway.answered() > 0
                    && !viaGateway.batches().isEmpty() && viaGateway.collected().containsAll(viaGateway.batches());
            boolean passed = findings.passed() && live == fleet.workers() && traffic.collected().containsAll(traffic.batches())
                    && gatewayRodeThrough && hanging.isEmpty();
            report(runSeed, faults, traffic, findings, started, faultsEnded, settled, live, fleet.workers(), passed);
            out.printf("| gateway | %s; calls: %d answered, %d refused %s, %d without an answer; batches: %d of %d ended with "
                    + "every line in their files |%n", fleet.gatewayLive() ? "up" : "DOWN", viaGateway.answered(),
                    viaGateway.refusedByStatus().values().stream().mapToInt(Integer::intValue).sum(), viaGateway.refusedByStatus(),
                    viaGateway.unanswered(), viaGateway.collected().size(), viaGateway.batches().size());
            out.printf("| submits that hung | %s |%n", hanging.isEmpty() ? "none" : "1 (its stack is on stderr)");
            out.printf("%n%s%n", passed ? "PASSED" : "FAILED");
            return passed ? 0 : 1;
        }
    }

    /** Every confirmed request has its outcome, every call its reply, every batch its files and its terminal state. */
    private static boolean settled(ChaosCheck check, ChaosTraffic traffic) {
        return check.allEnded(traffic.confirmed()) && traffic.calls().unanswered().isEmpty()
                && traffic.collected().containsAll(traffic.batches()) && check.openBatches(traffic.batches()).isEmpty();
    }

    private void report(long runSeed, List<Fault> faults, ChaosTraffic traffic, ChaosCheck.Findings findings, Instant started,
            Instant ended, Duration settled, int live, int workers, boolean passed) {
        Map<Fault.Kind, Integer> byKind = new TreeMap<>();
        faults.forEach(fault -> byKind.merge(fault.kind(), 1, Integer::sum));
        long inFaults = 0;
        long outside = 0;
        for (ChaosCheck.Outcome outcome : findings.outcomes()) {
            if (outcome.at().isBefore(started) || outcome.at().isAfter(ended)) {
                continue;
            }
            if (faults.stream().anyMatch(fault -> !outcome.at().isBefore(fault.start()) && !outcome.at().isAfter(fault.end()))) {
                inFaults++;
            } else {
                outside++;
            }
        }
        double faultSeconds = faults.stream().mapToDouble(fault -> fault.length().toMillis() / 1000.0).sum();
        double allSeconds = Duration.between(started, ended).toMillis() / 1000.0;
        out.println();
        out.printf("| seed | %d |%n|---|---|%n", runSeed);
        out.printf("| faults | %d in %.1f min (%s) |%n", faults.size(), allSeconds / 60, byKind);
        out.printf("| requests confirmed | %,d (%,d batch lines in %d batches, %,d calls answered; %d calls unconfirmed) |%n",
                traffic.confirmed().size(), traffic.confirmed().stream().filter(id -> !id.startsWith(ChaosCalls.CALL_PREFIX)).count(),
                traffic.batches().size(), traffic.calls().answered(), traffic.unconfirmed().size());
        out.printf("| outcomes read | %,d |%n", findings.outcomes().size());
        out.printf("| calls without a reply to their caller | %d |%n", findings.unansweredCalls());
        out.printf("| settled after the faults in | %d s |%n", settled.toSeconds());
        out.printf("| dead letters by code | %s%s |%n", findings.deadLetters().isEmpty() ? "none" : findings.deadLetters(),
                findings.tolerated() == 0 ? "" : " (and " + findings.tolerated() + " deadline_exceeded of gateway calls answered"
                        + " 503 or 504, whose request landed all the same)");
        out.printf("| lost | %d |%n| duplicated | %d |%n| unexpected | %d |%n", findings.lost(), findings.duplicated(),
                findings.unexpected());
        out.printf("| batches not terminal | %s |%n", findings.openBatches().isEmpty() ? "none" : findings.openBatches());
        out.printf("| batches collected | %d of %d (a collect failed and was resumed %d times) |%n",
                traffic.collected().size(), traffic.batches().size(), traffic.collectFailures());
        out.printf("| workers live at the end | %d of %d |%n", live, workers);
        out.printf("| outcomes/s during faults | %.1f (%.0f s) |%n", faultSeconds == 0 ? 0 : inFaults / faultSeconds, faultSeconds);
        out.printf("| outcomes/s outside faults | %.1f (%.0f s) |%n", allSeconds - faultSeconds <= 0 ? 0
                : outside / (allSeconds - faultSeconds), allSeconds - faultSeconds);
    }
}
