package dev.dmap.devkit.emulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * The cl100k_base tokenizer (jtokkit), the one token count that the emulator and the worker's
 * estimator agree on. Real models use their own tokenizers; the emulator only needs a count
 * that is stable and close to real. Text that looks like a special token
 * ({@code <|endoftext|>}) is counted as ordinary text, so user input can never make it throw.
 */
final class Cl100k {
    private static final Encoding ENCODING =
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private Cl100k() {
    }

    /** Number of tokens in {@code text}; 0 for null or empty. */
    static int count(String text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text);
    }

    /** The longest prefix of {@code text} made of at most {@code maxTokens} whole tokens. */
    static String firstTokens(String text, int maxTokens) {
        if (maxTokens <= 0) {
            return "";
        }
        IntArrayList tokens = ENCODING.encodeOrdinary(text, maxTokens).getTokens();
        return ENCODING.decode(tokens);
    }
}
