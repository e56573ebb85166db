"""Writes the two batches compose/snapshot/snapshot.sh submits, as OpenAI Batch input lines.

snapshot-a: three 7B models with a few bad requests among them (a model nobody serves, prompts
larger than the loaded context); snapshot-b, two minutes later: a fourth model and more of the first.
"""
import json
import random
import sys
from pathlib import Path

TOPICS = ["Kafka partitions", "GPU memory", "batch inference", "model quantisation", "tokenizers",
          "consumer groups", "exactly-once delivery", "backpressure", "KV caches", "context windows"]


def line(batch, n, model, prompt, max_tokens=96):
    return {"custom_id": f"{batch}-{n:05d}", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": model, "max_tokens": max_tokens,
                     "messages": [{"role": "user", "content": prompt}]}}


def batch(name, counts, rng, bad=0):
    lines = []
    for model, count in counts.items():
        for _ in range(count):
            prompt = f"In two sentences, explain {rng.choice(TOPICS)} to a new engineer (#{rng.randrange(10**6)})."
            lines.append((model, prompt))
    for _ in range(bad):
        lines.append(("gpt-4o-mini", "A model this deployment does not serve."))
        lines.append((rng.choice(list(counts)), "word " * 5000))  # over the 4,096-token context
    rng.shuffle(lines)
    return [line(name, n, model, prompt) for n, (model, prompt) in enumerate(lines)]


def main(folder):
    rng = random.Random(42)
    batches = {
        "snapshot-a": batch("snapshot-a", {"qwen2.5-7b-instruct": 1500, "meta-llama-3.1-8b-instruct": 1200,
                                           "mistral-7b-instruct-v0.3": 900}, rng, bad=15),
        "snapshot-b": batch("snapshot-b", {"phi-3.5-mini-instruct": 1000, "qwen2.5-7b-instruct": 600}, rng, bad=10),
    }
    for name, lines in batches.items():
        Path(folder, f"{name}.jsonl").write_text("".join(json.dumps(l) + "\n" for l in lines))


if __name__ == "__main__":
    main(sys.argv[1])
