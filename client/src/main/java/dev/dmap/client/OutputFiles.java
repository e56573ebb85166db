package dev.dmap.client;

import java.nio.file.Path;

/**
 * Where {@code collect} writes.
 *
 * @param output OpenAI Batch output lines, one per succeeded request
 * @param errors OpenAI Batch error lines, one per failed request
 */
public record OutputFiles(Path output, Path errors) {
    /** The error file beside the output: {@code results.jsonl} gives {@code results.errors.jsonl}. */
    public static OutputFiles beside(Path output, Path errors) {
        if (errors != null) {
            return new OutputFiles(output, errors);
        }
        String name = output.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return new OutputFiles(output, output.resolveSibling(stem + ".errors.jsonl"));
    }
}
