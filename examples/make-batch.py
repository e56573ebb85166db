#!/usr/bin/env python3
"""Writes a large OpenAI Batch input file for trying dmap at scale.

    python3 examples/make-batch.py 100000 > big.jsonl

Chat requests, interleaved over three models, about 310 bytes a line.
"""
import json
import sys

MODELS = ["qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct", "mistral-7b-instruct-v0.3"]

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
for i in range(count):
    print(json.dumps({"custom_id": f"req-{i:07d}", "method": "POST", "url": "/v1/chat/completions",
                      "body": {"model": MODELS[i % len(MODELS)], "max_tokens": 16, "messages": [
                          {"role": "system", "content": "You are a helpful assistant."},
                          {"role": "user", "content": f"Summarise item {i} of the catalogue in one sentence, please."}]}}))
