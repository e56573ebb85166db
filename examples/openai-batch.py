# OpenAI's Batch flow with the official Python SDK, against dmap's gateway: only base_url and the key differ.
import time
from openai import OpenAI

client = OpenAI(base_url="http://127.0.0.1:8090/v1", api_key="sk-alice-1")
batch_input = client.files.create(file=open("examples/openai-batch.jsonl", "rb"), purpose="batch")
batch = client.batches.create(input_file_id=batch_input.id, endpoint="/v1/chat/completions", completion_window="24h")
while batch.status not in ("completed", "failed", "expired", "cancelled"):
    time.sleep(2)
    batch = client.batches.retrieve(batch.id)
print(batch.status, batch.request_counts)
if batch.output_file_id:
    open("results.jsonl", "w").write(client.files.content(batch.output_file_id).text)
