"""OpenAI's Python SDK, unchanged, against dmap's response cache: a greedy chat asked twice, then streamed,
then with the cache turned off by a header; embeddings asked twice. Prints what it saw as JSON."""
import json
import sys

from openai import OpenAI

base_url, api_key, chat_model, embedding_model = sys.argv[1:5]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0)
question = [{"role": "user", "content": "Name a colour"}]
seen = {}


def chat(**extra):
    raw = client.chat.completions.with_raw_response.create(model=chat_model, messages=question, max_tokens=8,
                                                           temperature=0, **extra)
    return {"cache": raw.headers.get("x-dmap-cache"), "content": raw.parse().choices[0].message.content}


seen["first"] = chat()
seen["second"] = chat(user="someone-else")  # user does not change the answer
text = ""
for chunk in client.chat.completions.create(model=chat_model, messages=question, max_tokens=8, temperature=0, stream=True):
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
seen["stream"] = {"text": text}
seen["off"] = chat(extra_headers={"X-Dmap-Cache": "off"})

embeddings = []
for _ in range(2):
    raw = client.embeddings.with_raw_response.create(model=embedding_model, input=["cached one", "cached two"])
    embeddings.append({"cache": raw.headers.get("x-dmap-cache"), "first": raw.parse().data[0].embedding[:4]})
seen["embeddings"] = embeddings
print(json.dumps(seen))
