package dev.dmap.gateway.api.console;

import dev.dmap.client.ClientException;
import dev.dmap.client.DeadLetters;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.ReplaySelection;
import dev.dmap.gateway.batches.Batches;
import dev.dmap.gateway.batches.GatewayBatch;
import dev.dmap.gateway.batches.NotCancellable;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The console's batch pages: the list of batches (live), a batch's page (live
 * progress per model, its errors grouped by code, downloads, cancel, replay of dead letters).
 * An owner sees its own batches; an admin key sees everyone's. Another owner's batch answers 404.
 */
@Controller
@RequestMapping("/console")
class ConsoleController {
    private final Batches batches;
    private final FileStore files;
    private final KafkaConnection kafka;
    private final Clock clock;

    ConsoleController(Batches batches, FileStore files, KafkaConnection kafka, Clock clock) {
        this.batches = batches;
        this.files = files;
        this.kafka = kafka;
        this.clock = clock;
    }

    @GetMapping({"", "/"})
    String list(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @RequestParam(name = "status", required = false) String status, @RequestParam(name = "q", required = false) String q,
            Model model) {
        page(model, owner, admin, "batches");
        rows(owner, admin, status, q, model);
        model.addAttribute("status", status == null ? "" : status);
        model.addAttribute("q", q == null ? "" : q);
        return "console/batches";
    }

    /** The list's rows alone, which the page asks for every few seconds. */
    @GetMapping("/batches/rows")
    String rows(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @RequestParam(name = "status", required = false) String status, @RequestParam(name = "q", required = false) String q,
            Model model) {
        String wanted = status == null ? "" : status.strip().toLowerCase(Locale.ROOT);
        String text = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        List<BatchSummary> shown = new ArrayList<>();
        for (GatewayBatch batch : admin ? batches.all() : batches.list(owner)) {
            BatchSummary summary = summary(batch);
            if ((wanted.isEmpty() || summary.status().equals(wanted) || wanted.equals("active") && !summary.ended())
                    && (text.isEmpty() || batch.id().toLowerCase(Locale.ROOT).contains(text)
                            || batch.owner().toLowerCase(Locale.ROOT).contains(text))) {
                shown.add(summary);
            }
        }
        model.addAttribute("batches", shown);
        model.addAttribute("admin", admin);
        model.addAttribute("status", status == null ? "" : status);
        model.addAttribute("q", q == null ? "" : q);
        return "console/batches :: rows";
    }

    @GetMapping("/batches/{id}")
    String batch(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @PathVariable("id") String id, @RequestParam(name = "notice", required = false) String notice, Model model) {
        GatewayBatch batch = find(owner, admin, id);
        page(model, owner, admin, "batches");
        live(owner, admin, id, model);
        model.addAttribute("notice", notice);
        model.addAttribute("batchId", id);
        model.addAttribute("lineErrors", batches.errors(batch));
        return "console/batch";
    }

    /** The batch's live part: status, progress per model, counts, tokens. */
    @GetMapping("/batches/{id}/live")
    String live(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @PathVariable("id") String id, Model model) {
        GatewayBatch batch = find(owner, admin, id);
        model.addAttribute("batch", summary(batch));
        model.addAttribute("outputFile", batch.outputsWritten() && batch.outputFileId() != null && !batch.outputFileId().isEmpty());
        model.addAttribute("errorFile", batch.outputsWritten() && batch.errorFileId() != null && !batch.errorFileId().isEmpty());
        model.addAttribute("problem", batches.outputProblem(id).orElse(null));
        return "console/batch :: live";
    }

    /**
     * The batch's failed requests grouped by error code (each by its latest dead letter), with the
     * first few of each: custom id, message and attempts, no request text.
     */
    @GetMapping("/batches/{id}/errors")
    String errors(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @PathVariable("id") String id, Model model) {
        find(owner, admin, id);
        model.addAttribute("batchId", id);
        try {
            model.addAttribute("groups", ErrorGroup.of(new DeadLetters(kafka).of(id)));
        } catch (ClientException e) {
            model.addAttribute("groups", List.of());
            model.addAttribute("unreadable", "Kafka did not answer; the errors show again when it does.");
        }
        return "console/batch :: errors";
    }

    @PostMapping("/batches/{id}/cancel")
    String cancel(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @PathVariable("id") String id) {
        String notice;
        try {
            batches.cancel(find(owner, admin, id));
            notice = "Cancel requested: requests not started yet end as batch_cancelled.";
        } catch (NotCancellable e) {
            notice = e.getMessage();
        } catch (ClientException e) {
            notice = "The cancel could not be published: " + e.getMessage();
        }
        return "redirect:/console/batches/" + id + "?notice=" + java.net.URLEncoder.encode(notice, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Publishes the batch's dead letters of one code again (the rules of {@code dmap dlq replay}). */
    @PostMapping("/batches/{id}/replay")
    String replay(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            @PathVariable("id") String id, @RequestParam(name = "code") String code) {
        find(owner, admin, id);
        String notice;
        try {
            DeadLetters deadLetters = new DeadLetters(kafka);
            ReplaySelection selection = deadLetters.selectForReplay(id, code);
            deadLetters.replay(selection);
            notice = "Replayed " + selection.replay().size() + " request(s) that failed with " + code
                    + (selection.succeeded() > 0 ? "; " + selection.succeeded() + " with a result since were not" : "") + ".";
        } catch (ClientException e) {
            notice = "The replay could not be published: " + e.getMessage();
        }
        return "redirect:/console/batches/" + id + "?notice=" + java.net.URLEncoder.encode(notice, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The batch's output file (which = output) or error file (which = errors), as {@code dmap collect} writes them. */
    @GetMapping("/batches/{id}/{which:output|errors}.jsonl")
    ResponseEntity<Resource> download(@RequestAttribute(ConsoleAccess.OWNER) String owner,
            @RequestAttribute(ConsoleAccess.ADMIN) boolean admin, @PathVariable("id") String id, @PathVariable("which") String which) {
        GatewayBatch batch = find(owner, admin, id);
        String fileId = which.equals("output") ? batch.outputFileId() : batch.errorFileId();
        StoredFile file = fileId == null || fileId.isEmpty() ? null : files.find(batch.owner(), fileId).orElse(null);
        if (file == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no " + which + " file yet");
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).contentLength(file.bytes())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(id + "-" + which + ".jsonl").build().toString())
                .body(new FileSystemResource(files.content(file)));
    }

    private BatchSummary summary(GatewayBatch batch) {
        return BatchSummary.of(batch, batches.stateSoFar(batch).orElse(null), batches.cancelRequested(batch), clock.instant());
    }

    /** The batch, when this owner may see it; else 404, as if it did not exist. */
    private GatewayBatch find(String owner, boolean admin, String id) {
        return (admin ? batches.findAny(id) : batches.find(owner, id))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No batch " + id));
    }

    /** What every page shows in its header. */
    static void page(Model model, String owner, boolean admin, String tab) {
        model.addAttribute("owner", owner);
        model.addAttribute("admin", admin);
        model.addAttribute("tab", tab);
    }
}
