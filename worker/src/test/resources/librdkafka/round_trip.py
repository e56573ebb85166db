"""A downstream service written with librdkafka (confluent-kafka-python), as dmap's users write them.

Publishes COUNT chat requests and one value that is not JSON to a model's request topic, then reads
the results and dead letters topics with isolation.level=read_committed until each of its requests
has an outcome, and prints one JSON summary line on stdout.

    round_trip.py <bootstrap> <request-topic> <results-topic> <dead-letters-topic> <model> <count> <prefix>
"""
import base64
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer


def main(bootstrap, request_topic, results_topic, dead_letters_topic, model, count, prefix):
    count = int(count)
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    ids = [f"{prefix}-{i}" for i in range(count)]
    for custom_id in ids:
        line = {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions",
                "body": {"model": model, "messages": [{"role": "user", "content": "Hi from librdkafka"}],
                         "max_tokens": 8}}
        producer.produce(request_topic, key=custom_id, value=json.dumps(line).encode())
    garbage = b"\xff not json from " + prefix.encode()
    producer.produce(request_topic, key=f"{prefix}-garbage", value=garbage)
    if producer.flush(30) != 0:
        raise SystemExit("could not publish every request")

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"librdkafka-{uuid.uuid4()}",
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([results_topic, dead_letters_topic])
    results, dead_letters = {}, []
    deadline = time.monotonic() + 120
    while (len(results) < count or not dead_letters) and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        record = json.loads(message.value())
        if message.topic() == results_topic and record.get("custom_id", "").startswith(prefix + "-"):
            results[record["custom_id"]] = results.get(record["custom_id"], 0) + 1
        elif message.topic() == dead_letters_topic and base64.b64decode(record.get("original_base64", "")) == garbage:
            dead_letters.append(record.get("error", {}).get("code"))
    consumer.close()
    print(json.dumps({"results": len(results), "duplicated": sum(n - 1 for n in results.values()),
                      "missing": sorted(set(ids) - set(results)), "dead_letters": dead_letters}))


if __name__ == "__main__":
    main(*sys.argv[1:])
