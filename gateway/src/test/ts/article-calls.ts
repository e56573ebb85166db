// Drives the article's own client (dmap-client.ts, unchanged) against a dmap gateway at DMAP_PROXY_URL:
// 48 concurrent calls over three models, a streamed call read to [DONE], a bad body, an unknown model,
// and /metrics. Counts the client's fetches (the client retries 5xx, never 4xx) by wrapping fetch.
// Prints what it saw as one JSON line.
import { chatCompletion } from "./dmap-client";

async function main() {
  const models = process.argv.slice(2, 5);
  const base = process.env.DMAP_PROXY_URL!;
  const realFetch = globalThis.fetch;
  let fetches = 0;
  globalThis.fetch = ((input: any, init?: any) => { fetches++; return realFetch(input, init); }) as typeof fetch;
  const seen: any = {};

  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 48 }, (_, i) =>
    chatCompletion({ model: models[i % 3], messages: [{ role: "user", content: `Question ${i}: explain VRAM fragmentation` }],
      max_tokens: 16 })
      .then(r => ({ ok: true, model: models[i % 3], content: r.choices[0].message.content, tokens: r.usage.completion_tokens }))
      .catch(e => ({ ok: false, model: models[i % 3], error: String(e) }))));
  seen.concurrent = { answered: answers.filter((a: any) => a.ok).length, ms: Date.now() - started,
    models: [...new Set(answers.filter((a: any) => a.ok).map((a: any) => a.model))].sort(),
    failures: answers.filter((a: any) => !a.ok).map((a: any) => a.error).slice(0, 3),
    emptyContent: answers.filter((a: any) => a.ok && !a.content).length };

  const res: any = await chatCompletion({ model: models[0], messages: [{ role: "user", content: "Stream it" }], max_tokens: 8,
    stream: true });
  const text: string = await res.text();
  const events = text.split("\n\n").filter(e => e.startsWith("data: "));
  seen.stream = { status: res.status, contentType: res.headers.get("content-type"), events: events.length,
    done: events[events.length - 1] === "data: [DONE]",
    content: events.slice(0, -1).map(e => JSON.parse(e.slice(6)).choices?.[0]?.delta?.content ?? "").join("") };

  fetches = 0;
  try {
    await chatCompletion({ model: models[0], messages: "not a list of messages" as any });
    seen.bad = { answered: true };
  } catch (e) {
    seen.bad = { error: String(e), fetches };
  }

  fetches = 0;
  try {
    await chatCompletion({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] });
    seen.unknown = { answered: true };
  } catch (e) {
    seen.unknown = { error: String(e), fetches };
  }

  seen.metrics = await (await realFetch(`${base}/metrics`)).text();
  console.log(JSON.stringify(seen));
}

main().catch(e => { console.error(e); process.exit(1); });
