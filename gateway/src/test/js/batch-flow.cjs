// The OpenAI Batch flow, written as for OpenAI: only baseURL and the key differ.
// Usage: node batch-flow.cjs BASE_URL KEY OTHER_KEY INPUT.jsonl SLOW_INPUT.jsonl RESPONSES_INPUT.jsonl BAD_INPUT.jsonl OUT_DIR
// Prints one JSON object with what it saw; GatewaySdkIT asserts on it.
const fs = require('fs');
const path = require('path');
const OpenAI = require('openai');

const [baseURL, key, otherKey, input, slowInput, responsesInput, badInput, outDir] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
const other = new OpenAI({ baseURL, apiKey: otherKey, maxRetries: 0 });
const nobody = new OpenAI({ baseURL, apiKey: 'sk-not-a-key', maxRetries: 0 });
const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

async function waitFor(id) {
  for (let i = 0; i < 600; i++) {
    const batch = await client.batches.retrieve(id);
    if (TERMINAL.has(batch.status)) return batch;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`batch ${id} did not end`);
}

async function status(promise) {
  try { await promise; return 200; } catch (e) { if (e instanceof OpenAI.APIError) return e.status; throw e; }
}

async function main() {
  const file = await client.files.create({ file: fs.createReadStream(input), purpose: 'batch' });
  const batch = await client.batches.create({
    input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'sdk-test' },
  });
  const done = await waitFor(batch.id);
  const output = done.output_file_id ? await (await client.files.content(done.output_file_id)).text() : '';
  const errors = done.error_file_id ? await (await client.files.content(done.error_file_id)).text() : '';
  fs.writeFileSync(path.join(outDir, 'output.jsonl'), output);
  fs.writeFileSync(path.join(outDir, 'errors.jsonl'), errors);

  const slowFile = await client.files.create({ file: fs.createReadStream(slowInput), purpose: 'batch' });
  const slow = await client.batches.create({ input_file_id: slowFile.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  const cancelling = await client.batches.cancel(slow.id);
  const cancelled = await waitFor(slow.id);

  const responsesFile = await client.files.create({ file: fs.createReadStream(responsesInput), purpose: 'batch' });
  const responses = await waitFor((await client.batches.create({
    input_file_id: responsesFile.id, endpoint: '/v1/responses', completion_window: '24h',
    output_expires_after: { anchor: 'created_at', seconds: 3600 },
  })).id);
  const responsesOutput = await (await client.files.content(responses.output_file_id)).text();
  const responsesOutputFile = await client.files.retrieve(responses.output_file_id);

  const badFile = await client.files.create({ file: fs.createReadStream(badInput), purpose: 'batch' });
  const bad = await waitFor((await client.batches.create({
    input_file_id: badFile.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
  const moderations = await status(client.batches.create({
    input_file_id: badFile.id, endpoint: '/v1/moderations', completion_window: '24h' }));

  const pagedIds = [];
  let pages = 0;
  for (let page = await client.batches.list({ limit: 1 }); ; page = await page.getNextPage()) {
    pages++;
    pagedIds.push(...page.data.map((b) => b.id));
    if (!page.hasNextPage()) break;
  }
  const files = [];
  for await (const f of client.files.list()) files.push(f.id);

  console.log(JSON.stringify({
    batch: { id: done.id, status: done.status, request_counts: done.request_counts, usage: done.usage, metadata: done.metadata,
      output_file_id: done.output_file_id, error_file_id: done.error_file_id, completed_at: done.completed_at },
    cancel: { id: slow.id, answered: cancelling.status, status: cancelled.status, request_counts: cancelled.request_counts },
    responses: { id: responses.id, status: responses.status, request_counts: responses.request_counts,
      lines: responsesOutput.split('\n').filter((l) => l).map((l) => JSON.parse(l)),
      output_expires_in: responsesOutputFile.expires_at - responsesOutputFile.created_at },
    invalid: { id: bad.id, status: bad.status, errors: bad.errors },
    moderations,
    listed: { ids: pagedIds, pages },
    files,
    otherKey: {
      retrieveBatch: await status(other.batches.retrieve(done.id)),
      cancelBatch: await status(other.batches.cancel(done.id)),
      retrieveFile: await status(other.files.retrieve(file.id)),
      downloadOutput: await status(other.files.content(done.output_file_id)),
      listedBatches: (await other.batches.list()).data.length,
    },
    wrongKey: await status(nobody.batches.list()),
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
