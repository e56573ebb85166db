// OpenAI's Node SDK, unchanged but for its base URL and key, makes synchronous calls through dmap:
// chat with and without streaming, completions, embeddings, responses. Prints what it saw as JSON.
const OpenAI = require("openai");

async function main() {
  const [baseURL, apiKey, chatModel, embeddingModel] = process.argv.slice(2);
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
  const seen = {};

  const chat = await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "Say hello" }],
    max_tokens: 12 });
  seen.chat = { object: chat.object, content: chat.choices[0].message.content, usage: chat.usage };

  const stream = await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "Count" }],
    max_tokens: 10, stream: true, stream_options: { include_usage: true } });
  let text = "";
  let chunks = 0;
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  seen.stream = { chunks, text, finish, usage };

  const completion = await client.completions.create({ model: chatModel, prompt: "Once upon", max_tokens: 6 });
  seen.completion = { object: completion.object, text: completion.choices[0].text };

  const embedding = await client.embeddings.create({ model: embeddingModel, input: ["one", "two"] });
  seen.embeddings = { count: embedding.data.length, dimensions: embedding.data[0].embedding.length };

  const response = await client.responses.create({ model: chatModel, input: "Say hello", max_output_tokens: 12 });
  seen.response = { object: response.object, status: response.status, text: response.output_text };

  try {
    await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] });
  } catch (e) {
    seen.unknown = { status: e.status, code: e.code, type: e.constructor.name };
  }
  console.log(JSON.stringify(seen));
}

main().catch(e => { console.error(e); process.exit(1); });
