package dev.dmap.devkit.emulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Cuts generated text to whole cl100k_base tokens (jtokkit), the tokenizer that
 * {@link dev.dmap.schemas.PromptTokens} counts with, so a completion cut at {@code max_tokens}
 * bills exactly that many tokens.
 */
final class Cl100k {
    private static final Encoding ENCODING =
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private Cl100k() {
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
