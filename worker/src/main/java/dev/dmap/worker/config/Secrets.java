package dev.dmap.worker.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Keeps secrets out of {@code toString()} and therefore out of logs. */
final class Secrets {
    static final String REDACTED = "******";

    private Secrets() {
    }

    static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(none)" : REDACTED;
    }

    /** A copy with the values of secret-looking keys replaced. */
    static Map<String, String> redact(Map<String, String> properties) {
        Map<String, String> copy = new TreeMap<>();
        properties.forEach((key, value) -> copy.put(key, looksSecret(key) ? REDACTED : value));
        return copy;
    }

    private static boolean looksSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas")
                || lower.contains("token") || lower.contains("key");
    }
}
