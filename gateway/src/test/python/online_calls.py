"""OpenAI's Python SDK, unchanged but for its base URL and key, makes synchronous calls through dmap:
chat with and without streaming, embeddings, responses. Prints what it saw as JSON."""
import json
import sys

import openai
from openai import OpenAI

base_url, api_key, chat_model, embedding_model = sys.argv[1:5]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0)
seen = {}

chat = client.chat.completions.create(model=chat_model, messages=[{"role": "user", "content": "Say hello"}], max_tokens=12)
seen["chat"] = {"object": chat.object, "content": chat.choices[0].message.content,
                "usage": chat.usage.model_dump() if chat.usage else None}

text, chunks, finish = "", 0, None
for chunk in client.chat.completions.create(model=chat_model, messages=[{"role": "user", "content": "Count"}],
                                            max_tokens=10, stream=True):
    chunks += 1
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
        finish = chunk.choices[0].finish_reason or finish
seen["stream"] = {"chunks": chunks, "text": text, "finish": finish}

embedding = client.embeddings.create(model=embedding_model, input=["one", "two"])
seen["embeddings"] = {"count": len(embedding.data), "dimensions": len(embedding.data[0].embedding)}

response = client.responses.create(model=chat_model, input="Say hello", max_output_tokens=12)
seen["response"] = {"object": response.object, "status": response.status, "text": response.output_text}

try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
except openai.NotFoundError as e:
    seen["unknown"] = {"status": e.status_code, "code": e.code}
print(json.dumps(seen))
