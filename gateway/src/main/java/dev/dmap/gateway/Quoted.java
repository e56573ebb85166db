package dev.dmap.gateway;

/** A client's value in an error message: at most a short prefix, control characters escaped, so input never floods a message. */
public final class Quoted {
    /** How many characters of a value an error message shows at most. */
    static final int MAX_SHOWN = 32;

    private Quoted() {
    }

    /** {@code 'value'}, or {@code 'first 32 characters…' (N characters)} for a longer one. */
    public static String prefix(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() <= MAX_SHOWN ? value : value.substring(0, MAX_SHOWN);
        StringBuilder escaped = new StringBuilder();
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                escaped.append(String.format("\\u%04x", c));
            } else {
                escaped.appendCodePoint(c);
            }
        });
        return "'" + escaped + (value.length() > MAX_SHOWN ? "…' (" + value.length() + " characters)" : "'");
    }
}
