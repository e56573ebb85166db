package dev.dmap.client;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a JSONL file, read as bytes so that each can be judged before it is text: its size
 * against the limit (a line over it is counted, not kept), and its UTF-8 (a bad byte is reported
 * with its line). A UTF-8 byte order mark at the start of the file, as Windows tools write, is
 * skipped; lines end at {@code \n}, with a {@code \r} before it dropped.
 */
final class JsonlLines implements Closeable {
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * One line.
     *
     * @param number 1-based line number
     * @param length its length in bytes, without the line end
     * @param text   its text, or null when it is over the limit or not UTF-8
     * @param badByte when not UTF-8: the 1-based position of the first bad byte in the line; else 0
     */
    record Line(int number, long length, String text, long badByte) {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private int number;
    private boolean atStart = true;
    private boolean utf16;

    JsonlLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long length = 0;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int chunk = position - start;
            length += chunk;
            if (length <= maxBytes + 1L) { // one byte past the limit keeps a trailing \r from hiding the overflow
                kept.write(buffer, start, chunk);
            }
            if (position < limit) {
                position++; // the \n
                break;
            }
        }
        number++;
        byte[] bytes = kept.toByteArray();
        if (length > 0 && (length <= maxBytes + 1L) && bytes[bytes.length - 1] == '\r') {
            length--;
            bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        }
        if (length > maxBytes) {
            return new Line(number, length, null, 0);
        }
        return decode(bytes);
    }

    private Line decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer input = ByteBuffer.wrap(bytes);
        CharBuffer output = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(input, output, true);
        if (result.isError()) {
            return new Line(number, bytes.length, null, input.position() + 1L);
        }
        decoder.flush(output);
        return new Line(number, bytes.length, output.flip().toString(), 0);
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer);
        while (read == 0) {
            read = in.read(buffer);
        }
        if (read < 0) {
            return false;
        }
        position = 0;
        limit = read;
        if (atStart) {
            atStart = false;
            if (startsWith(UTF8_BOM)) {
                position = UTF8_BOM.length;
            }
            utf16 = startsWith(new byte[] {(byte) 0xFF, (byte) 0xFE}) || startsWith(new byte[] {(byte) 0xFE, (byte) 0xFF});
        }
        return true;
    }

    /** Whether the file starts with a UTF-16 byte order mark: text dmap cannot read, for a clear message. */
    boolean startsAsUtf16() {
        return utf16;
    }

    private boolean startsWith(byte[] prefix) {
        if (limit < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buffer[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
