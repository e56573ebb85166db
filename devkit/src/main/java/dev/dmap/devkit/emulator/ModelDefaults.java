package dev.dmap.devkit.emulator;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plausible metadata guessed from a model key, so that a catalogue given as
 * {@code id:size:ctx} still produces listings with every field LM Studio shows.
 * Nothing here affects behaviour; it only fills in descriptive fields.
 */
final class ModelDefaults {
    static final String QUANTIZATION = "Q4_K_M";
    private static final String COMMUNITY = "lmstudio-community";
    private static final Pattern PARAMS = Pattern.compile("(?i)(?:^|[-_.])(\\d+(?:\\.\\d+)?)([bm])(?:$|[-_.])");
    private static final Pattern QUANT_BITS = Pattern.compile("(?i)^(?:I?Q|F|BF)(\\d+)");

    private ModelDefaults() {
    }

    static String publisher(String key) {
        int slash = key.indexOf('/');
        return slash > 0 ? key.substring(0, slash) : COMMUNITY;
    }

    static String embeddingPublisher(String key) {
        if (key.indexOf('/') > 0) {
            return publisher(key);
        }
        return key.contains("nomic") ? "nomic-ai" : COMMUNITY;
    }

    static String architecture(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("qwen3")) {
            return "qwen3";
        }
        if (k.contains("qwen")) {
            return "qwen2";
        }
        if (k.contains("gemma-3") || k.contains("gemma3")) {
            return "gemma3";
        }
        if (k.contains("gemma")) {
            return "gemma";
        }
        if (k.contains("mistral") || k.contains("ministral")) {
            return "mistral";
        }
        return k.contains("phi") ? "phi3" : "llama";
    }

    static String embeddingArchitecture(String key) {
        return key.toLowerCase(Locale.ROOT).contains("nomic") ? "nomic-bert" : "bert";
    }

    /** {@code 7B}, {@code 270M} or null, read from the name part of the key. */
    static String paramsString(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        Matcher m = PARAMS.matcher(name);
        return m.find() ? m.group(1) + m.group(2).toUpperCase(Locale.ROOT) : null;
    }

    /** {@code qwen2.5-7b-instruct} becomes {@code Qwen2.5 7B Instruct}, like LM Studio's display names. */
    static String displayName(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        StringBuilder out = new StringBuilder();
        for (String word : name.split("[-_]")) {
            if (word.isEmpty()) {
                continue;
            }
            String shown = word.matches("(?i)\\d+(\\.\\d+)?[bm]") ? word.toUpperCase(Locale.ROOT)
                    : Character.toUpperCase(word.charAt(0)) + word.substring(1);
            out.append(out.length() == 0 ? "" : " ").append(shown);
        }
        return out.toString();
    }

    /** Bits per weight as LM Studio reports it: the integer in the quantization name (Q4_K_M gives 4, F16 gives 16). */
    static Integer bitsPerWeight(String quantization) {
        Matcher m = QUANT_BITS.matcher(quantization);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }
}
