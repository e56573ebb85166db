package dev.dmap.gateway.api;

/** OpenAI's {@code expires_after} ({@code {"anchor": "created_at", "seconds": 3600 to 2592000}}), for uploads and batch outputs. */
final class ExpiresAfter {
    static final long MIN_SECONDS = 3_600;
    static final long MAX_SECONDS = 2_592_000;

    private ExpiresAfter() {
    }

    /** The seconds, or a 400 naming {@code param}; an absent anchor is taken as {@code created_at}. */
    static long seconds(Object anchor, Object seconds, String param) {
        long value;
        try {
            value = seconds instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(seconds));
        } catch (NumberFormatException e) {
            value = -1;
        }
        if ((anchor == null || "created_at".equals(anchor)) && value >= MIN_SECONDS && value <= MAX_SECONDS) {
            return value;
        }
        throw invalid(param);
    }

    static ApiError invalid(String param) {
        return ApiError.invalid(param, param + " must be {\"anchor\": \"created_at\", \"seconds\": " + MIN_SECONDS + " to "
                + MAX_SECONDS + "}.");
    }
}
