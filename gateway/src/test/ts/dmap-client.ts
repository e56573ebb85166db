// dmap-client.ts
import { z } from "zod";
// Versions: Node.js 22, TypeScript 5.6, Zod 3.24
const ChatResponseSchema = z.object({
id: z.string(),
choices: z.array(z.object({
message: z.object({ role: z.string(), content: z.string() }),
finish_reason: z.string().optional()
})),
usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() })
});
type ChatRequest = {
model: string;
messages: Array<{ role: string; content: string }>;
temperature?: number;
max_tokens?: number;
stream?: boolean;
};
const DMAP_URL = process.env.DMAP_PROXY_URL || "http://localhost:8000";
const MAX_RETRIES = 3;
const RETRY_DELAY_MS = 1000;
async function sleep(ms: number) {
return new Promise(resolve => setTimeout(resolve, ms));
}
export async function chatCompletion(req: ChatRequest, retries = MAX_RETRIES): Promise<z.infer<typeof ChatResponseSchema>> {
const payload = {
model: req.model,
messages: req.messages,
temperature: req.temperature ?? 0.7,
max_tokens: req.max_tokens ?? 2048,
stream: req.stream ?? false
};
try {
const res = await fetch(`${DMAP_URL}/v1/chat/completions`, {
method: "POST",
headers: { "Content-Type": "application/json" },
body: JSON.stringify(payload),
signal: AbortSignal.timeout(120_000) // 2min timeout
});
if (!res.ok) {
const errText = await res.text();
if (res.status >= 500 && retries > 0) {
console.warn(`DMAP 5xx (${res.status}), retrying in ${RETRY_DELAY_MS}ms...`);
await sleep(RETRY_DELAY_MS);
return chatCompletion(req, retries - 1);
}
throw new Error(`DMAP error ${res.status}: ${errText}`);
}
if (req.stream) {
// For streaming, return raw response for consumer to handle SSE
return res as unknown as z.infer<typeof ChatResponseSchema>;
}
const json = await res.json();
return ChatResponseSchema.parse(json);
} catch (err: any) {
if (err.name === "AbortError") {
throw new Error("DMAP request timed out after 120s");
}
throw err;
}
}
// Usage example:
// const result = await chatCompletion({
// model: "mistral-7b-instruct-v0.3.Q4_K_M.gguf",
// messages: [{ role: "user", content: "Explain VRAM fragmentation" }]
// });
