package dev.dmap.devkit.engine;

/**
 * Long system prompts that many requests share, one per "help desk": the shared-prefix workload of
 * the prefix tests and the real-engine benchmarks. Different desks differ from their first
 * sentence on, so each desk is a prefix of its own for the engine's prompt cache.
 */
public final class DeskPrompts {
    private DeskPrompts() {
    }

    /** Desk {@code desk}'s system prompt, at least {@code minChars} characters long (about 4 per token). */
    public static String systemPrompt(int desk, int minChars) {
        StringBuilder text = new StringBuilder("You are help desk number " + desk + ". ");
        for (int rule = 0; text.length() < minChars; rule++) {
            text.append("Rule ").append(rule).append(" of desk ").append(desk).append(": answer plainly about topic ")
                    .append(rule * 7 + desk).append(". ");
        }
        return text.toString();
    }
}
