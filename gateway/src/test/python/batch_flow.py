"""The OpenAI Batch flow with OpenAI's Python SDK, written as for OpenAI: only base_url and the key differ.

Usage: python batch_flow.py BASE_URL KEY OTHER_KEY INPUT.jsonl SLOW_INPUT.jsonl OUT_DIR
Prints one JSON object with what it saw; GatewaySdkIT asserts on it.
"""
import json
import pathlib
import sys
import time

import openai
from openai import OpenAI

TERMINAL = {"completed", "failed", "expired", "cancelled"}


def wait_for(client, batch_id):
    for _ in range(600):
        batch = client.batches.retrieve(batch_id)
        if batch.status in TERMINAL:
            return batch
        time.sleep(0.5)
    raise RuntimeError(f"batch {batch_id} did not end")


def status(call):
    try:
        call()
        return 200
    except openai.APIStatusError as e:
        return e.status_code


def main():
    base_url, key, other_key, input_path, slow_path, out_dir = sys.argv[1:]
    out = pathlib.Path(out_dir)
    client = OpenAI(base_url=base_url, api_key=key, max_retries=0)
    other = OpenAI(base_url=base_url, api_key=other_key, max_retries=0)
    nobody = OpenAI(base_url=base_url, api_key="sk-not-a-key", max_retries=0)

    with open(input_path, "rb") as f:
        file = client.files.create(file=f, purpose="batch")
    batch = client.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions",
                                  completion_window="24h", metadata={"job": "python-sdk"})
    done = wait_for(client, batch.id)
    (out / "output.jsonl").write_bytes(client.files.content(done.output_file_id).content if done.output_file_id else b"")
    (out / "errors.jsonl").write_bytes(client.files.content(done.error_file_id).content if done.error_file_id else b"")

    with open(slow_path, "rb") as f:
        slow_file = client.files.create(file=f, purpose="batch")
    slow = client.batches.create(input_file_id=slow_file.id, endpoint="/v1/chat/completions", completion_window="24h")
    cancelling = client.batches.cancel(slow.id)
    cancelled = wait_for(client, slow.id)

    paged_ids, pages = [], 0
    page = client.batches.list(limit=1)
    while True:
        pages += 1
        paged_ids += [b.id for b in page.data]
        if not page.has_next_page():
            break
        page = page.get_next_page()

    print(json.dumps({
        "batch": {"id": done.id, "status": done.status, "request_counts": done.request_counts.model_dump(),
                  "metadata": done.metadata, "output_file_id": done.output_file_id, "error_file_id": done.error_file_id},
        "cancel": {"id": slow.id, "answered": cancelling.status, "status": cancelled.status,
                   "request_counts": cancelled.request_counts.model_dump()},
        "listed": {"ids": paged_ids, "pages": pages},
        "otherKey": {
            "retrieveBatch": status(lambda: other.batches.retrieve(done.id)),
            "cancelBatch": status(lambda: other.batches.cancel(done.id)),
            "retrieveFile": status(lambda: other.files.retrieve(file.id)),
            "downloadOutput": status(lambda: other.files.content(done.output_file_id)),
            "listedBatches": len(other.batches.list().data),
        },
        "wrongKey": status(lambda: nobody.batches.list()),
    }))


if __name__ == "__main__":
    main()
