package dev.dmap.cli;

/** A command that talks to Kafka: its failures to reach or authenticate are explained with its options. */
interface KafkaCommand {
    KafkaOptions kafka();
}
