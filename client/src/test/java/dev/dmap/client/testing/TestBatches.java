package dev.dmap.client.testing;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.testing.ChatLine;
import java.util.List;

/** Batch files and batch commands for the tests of the client and its front ends. */
public final class TestBatches {
    private TestBatches() {
    }

    /** {@code count} chat lines {@code q0}, {@code q1}, … for {@code model}, each with {@code contentLength} characters. */
    public static String lines(String model, int count, int contentLength) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(ChatLine.of("q" + i, model).content("x".repeat(contentLength)).json()).append('\n');
        }
        return lines.toString();
    }

    /** The types of the batch's commands, in the order committed. */
    public static List<String> commands(Topics topics, String batchId) {
        return TestBroker.records(topics.batchCommands(), "read_committed").stream()
                .map(record -> MessageCodec.decode(record.value(), BatchCommand.class))
                .filter(command -> command.batchId().equals(batchId)).map(BatchCommand::type).toList();
    }
}
