package dev.dmap.gateway.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The gateway's command-line options: each sets one Spring property; anything else is refused with the list. */
final class GatewayOptions {
    private GatewayOptions() {
    }

    /** The gateway's own options and the Spring property each sets. */
    static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("--port", "server.port"),
            Map.entry("--address", "server.address"),
            Map.entry("--bootstrap-servers", "dmap.bootstrap-servers"),
            Map.entry("--command-config", "dmap.command-config"),
            Map.entry("--topic-prefix", "dmap.topic-prefix"),
            Map.entry("--replication-factor", "dmap.replication-factor"),
            Map.entry("--min-insync-replicas", "dmap.min-insync-replicas"),
            Map.entry("--api-keys-file", "dmap.gateway.api-keys-file"),
            Map.entry("--dir", "dmap.gateway.dir"),
            Map.entry("--file-retention", "dmap.gateway.file-retention"),
            Map.entry("--max-file-size", "dmap.gateway.max-file-size"),
            Map.entry("--max-requests-per-client", "dmap.gateway.max-requests-per-client"),
            Map.entry("--max-batch-lines", "dmap.gateway.max-batch-lines"),
            Map.entry("--max-models-per-batch", "dmap.gateway.max-models-per-batch"),
            Map.entry("--models", "dmap.gateway.models"),
            Map.entry("--max-files-per-owner", "dmap.gateway.max-files-per-owner"),
            Map.entry("--max-bytes-per-owner", "dmap.gateway.max-bytes-per-owner"),
            Map.entry("--call-timeout", "dmap.gateway.call-timeout"),
            Map.entry("--max-open-calls", "dmap.gateway.max-open-calls"));

    static final String USAGE = """
            Usage: dmap gateway --port PORT --bootstrap-servers HOST:PORT [--api-keys-file FILE] [options]
            OpenAI's API over dmap: the Batch API (/v1/files, /v1/batches) and synchronous calls (/v1/chat/completions,
            /v1/completions, /v1/embeddings, /v1/responses, streaming too), with /metrics for Prometheus.
            Every option can also be set from the environment.
              --port PORT               HTTP port (DMAP_GATEWAY_PORT, default 8090)
              --address ADDRESS         address to listen on (DMAP_GATEWAY_ADDRESS, default 127.0.0.1)
              --bootstrap-servers HOSTS Kafka (DMAP_BOOTSTRAP_SERVERS, default localhost:9092)
              --command-config FILE     Kafka client properties (security settings), as for dmap submit (DMAP_COMMAND_CONFIG)
              --topic-prefix PREFIX     topic prefix (DMAP_TOPIC_PREFIX, default dmap)
              --replication-factor N    replicas of the topics it creates, 0 for the cluster's default (DMAP_REPLICATION_FACTOR)
              --min-insync-replicas N   their min.insync.replicas, 0 for the cluster's (DMAP_MIN_INSYNC_REPLICAS)
              --api-keys-file FILE      one line per key: KEY OWNER [max-priority=N]; reloaded when it changes (DMAP_API_KEYS_FILE);
                                        without it every call is anonymous and the gateway listens on loopback only
              --dir DIR                 where files and batch records live (DMAP_GATEWAY_DIR, default ~/.dmap/gateway)
              --file-retention DURATION how long a file lives without its own expiry, e.g. 30d (DMAP_GATEWAY_FILE_RETENTION, default 30d)
              --max-file-size SIZE      the largest upload taken, e.g. 500MB (DMAP_GATEWAY_MAX_FILE_SIZE, default 2GB)
              --max-requests-per-client N  requests of one client address in progress at once, 0 for no limit
                                        (DMAP_GATEWAY_MAX_REQUESTS_PER_CLIENT, default 32)
              --max-batch-lines N       the most lines a batch's input file may have (DMAP_GATEWAY_MAX_BATCH_LINES,
                                        default 50000, OpenAI's limit)
              --max-models-per-batch N  the most models one batch may name (DMAP_GATEWAY_MAX_MODELS_PER_BATCH, default 64)
              --models A,B,...          the models batches may name (DMAP_GATEWAY_MODELS); default: those the workers'
                                        backends list as available
              --max-files-per-owner N   files one owner may keep (DMAP_GATEWAY_MAX_FILES_PER_OWNER, default 10000)
              --max-bytes-per-owner SIZE  bytes one owner may keep, e.g. 50GB (DMAP_GATEWAY_MAX_BYTES_PER_OWNER, default 100GB)
              --call-timeout DURATION   the longest a synchronous call waits, unless its client asks for less, e.g. 10m
                                        (DMAP_GATEWAY_CALL_TIMEOUT, default 2m, the article's upstream limit)
              --max-open-calls N        synchronous calls the gateway holds at once; more answer 429 (DMAP_GATEWAY_MAX_OPEN_CALLS,
                                        default 4096)
            """;

    /** {@code --port 8090} and {@code --port=8090} become {@code --server.port=8090}; anything else is refused. */
    static String[] springArguments(String[] args) {
        List<String> spring = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].contains("=") ? args[i].substring(0, args[i].indexOf('=')) : args[i];
            String property = OPTIONS.get(name);
            if (property == null) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; the gateway takes " + String.join(", ",
                        new java.util.TreeSet<>(OPTIONS.keySet())));
            }
            String value = args[i].contains("=") ? args[i].substring(args[i].indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
            if (value == null) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            spring.add("--" + property + "=" + value);
        }
        return spring.toArray(String[]::new);
    }

}
