package dev.dmap.gateway.files;

/** The name an uploaded file is kept under: a label, never a path. */
public final class FileNames {
    /** The longest file name kept (the rest is cut): a name is a label, not storage. */
    public static final int MAX_FILENAME = 255;

    private FileNames() {
    }

    /**
     * The client's file name without any directory part (either separator) or control characters, at most
     * {@link #MAX_FILENAME} characters; else upload.jsonl.
     */
    public static String clean(String original) {
        String name = original == null ? "" : original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1)
                .replaceAll("\\p{Cntrl}", "");
        name = name.length() > MAX_FILENAME ? name.substring(0, MAX_FILENAME) : name;
        return name.isBlank() ? "upload.jsonl" : name;
    }
}
