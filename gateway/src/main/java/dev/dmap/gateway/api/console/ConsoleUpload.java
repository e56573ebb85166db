package dev.dmap.gateway.api.console;

import dev.dmap.client.BatchEstimate;
import dev.dmap.client.BatchFile;
import dev.dmap.client.ClientException;
import dev.dmap.client.Durations;
import dev.dmap.client.KafkaConnection;
import dev.dmap.gateway.GatewaySettings;
import dev.dmap.gateway.batches.Batches;
import dev.dmap.gateway.batches.GatewayBatch;
import dev.dmap.gateway.files.FileNames;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import dev.dmap.schemas.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * Starting a batch from the browser: upload a JSONL file; every invalid line is shown with its line
 * number and field (the CLI's validator) and nothing is kept; a valid file is kept as the owner's
 * batch input file and shown with its estimate per model, then started on request.
 */
@Controller
@RequestMapping("/console/upload")
class ConsoleUpload {
    /** Problems listed on the page: the rest are counted. */
    static final int PROBLEMS_SHOWN = 200;
    private final FileStore files;
    private final Batches batches;
    private final KafkaConnection kafka;
    private final GatewaySettings settings;
    private final Clock clock;

    ConsoleUpload(FileStore files, Batches batches, KafkaConnection kafka, GatewaySettings settings, Clock clock) {
        this.files = files;
        this.batches = batches;
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping
    String form(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin, Model model) {
        ConsoleController.page(model, owner, admin, "upload");
        return "console/upload";
    }

    @PostMapping
    String check(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @RequestParam("file") MultipartFile upload, Model model) {
        ConsoleController.page(model, owner, admin, "upload");
        String name = FileNames.clean(upload.getOriginalFilename());
        model.addAttribute("filename", name);
        Path incoming = files.incoming();
        try {
            upload.transferTo(incoming.toFile());
            BatchFile file = BatchFile.read(incoming, Limits.DEFAULT_MAX_REQUEST_BYTES, settings.maxBatchLines());
            if (!file.isValid()) {
                model.addAttribute("problems", file.problems().stream().limit(PROBLEMS_SHOWN).toList());
                model.addAttribute("problemCount", file.problemCount());
                return "console/upload";
            }
            if (file.total() == 0) {
                model.addAttribute("emptyFile", true);
                return "console/upload";
            }
            if (file.firstLineByUrl().size() > 1) {
                model.addAttribute("mixedEndpoints", List.copyOf(file.firstLineByUrl().keySet()));
                return "console/upload";
            }
            FileStore.Usage used = files.usage(owner);
            java.util.Optional<String> full = settings.ownerQuota().refusal(used.files(), used.bytes(), upload.getSize());
            if (full.isPresent()) {
                model.addAttribute("quotaProblem", full.get());
                return "console/upload";
            }
            BatchEstimate estimate = estimate(file, model);
            StoredFile stored = files.add(incoming, owner, name, "batch",
                    clock.instant().getEpochSecond() + settings.fileRetention().toSeconds());
            model.addAttribute("fileId", stored.id());
            model.addAttribute("endpoint", file.firstLineByUrl().keySet().iterator().next());
            model.addAttribute("estimate", estimate);
            return "console/upload";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(incoming); // moved into the store when kept
            } catch (IOException e) {
                // the incoming area is swept at start
            }
        }
    }

    /** The estimate, or none (said on the page) when Kafka does not answer: the file can still be started. */
    private BatchEstimate estimate(BatchFile file, Model model) {
        try {
            BatchEstimate estimate = BatchEstimate.measure(file, kafka, clock);
            model.addAttribute("gpuTime", Durations.readable(estimate.gpuTime()));
            return estimate;
        } catch (ClientException | org.apache.kafka.common.KafkaException e) {
            model.addAttribute("estimateProblem", "The fleet did not answer, so there is no estimate: " + e.getMessage());
            return null;
        }
    }

    /** Starts a batch from a kept, valid input file. */
    @PostMapping("/{fileId}/start")
    String start(@RequestAttribute(ConsoleAccess.OWNER) String owner,
            @RequestAttribute(ConsoleAccess.MAX_PRIORITY) int maxPriority, @PathVariable("fileId") String fileId,
            @RequestParam(name = "endpoint") String endpoint, @RequestParam(name = "window", defaultValue = "24h") String window) {
        StoredFile input = files.find(owner, fileId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No file " + fileId));
        Duration completion;
        try {
            completion = Durations.parse(window);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The completion window must be a duration such as 24h: " + e.getMessage());
        }
        if (completion.compareTo(Duration.ofHours(1)) < 0 || completion.compareTo(Duration.ofDays(30)) > 0) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The completion window must be from 1h to 30d.");
        }
        GatewayBatch batch = batches.create(owner, input, endpoint, completion, null, null, window, maxPriority);
        return "redirect:/console/batches/" + batch.id();
    }
}
