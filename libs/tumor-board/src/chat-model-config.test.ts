import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import {
  addCase, chatModelFromEnv, chatModelSettingsFromEnv, ChatModelConfigError, composeCaseSummary, composePreparedCase, createBoard, createChatModel, getCase, prepareCase, rephraseCaseSummary, storeRecordLookup,
  savePreparedCase, verifyCaseSummary,
  type CaseSummary, type RecordLookup,
} from './index';

// The configurable chat model end to end, over HTTP. NO LANGUAGE MODEL RUNS HERE: each server below is a stand-in
// written for this test, speaking the wire protocol (OpenAI chat completions; Ollama /api/chat) and answering
// with a fixed "rephrasing" — one faithful sentence, one with an invented value, one uncited claim — so the test
// shows what LangChain's real clients send and that the verifier drops what the model invented.
const JENNY = 'Patient/cancer-patient-jenny-m';
let work: string;
let store: Store;
let lookup: RecordLookup;
let small: CaseSummary;

const ANSWER = [
  'HER2 [Interpretation] in Tissue was Negative on 2018-03-10. [1]',
  'Oncotype DX Breast Recurrence Score Assay: 12 Recurrence score, 2018-04-12, low risk. [2]',
  'The patient is a candidate for trastuzumab.',
].join('\n');

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

async function standIn(handler: (path: string, body: Record<string, unknown>) => { type: string; text: string }): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      const out = handler(req.url ?? '', body);
      res.writeHead(out.type === 'none' ? 404 : 200, { 'content-type': out.type });
      res.end(out.text);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** OpenAI chat completions: one JSON completion, or SSE chunks when the client asks to stream. */
function openAiCompletions(path: string, body: Record<string, unknown>) {
  if (path !== '/v1/chat/completions') return { type: 'none', text: '' };
  const base = { id: 'chatcmpl-standin', created: 1_764_000_000, model: String(body.model) };
  if (body.stream) {
    const chunk = { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }] };
    return { type: 'text/event-stream', text: `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n` };
  }
  const completion = { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }], usage: { prompt_tokens: 50, completion_tokens: 40, total_tokens: 90 } };
  return { type: 'application/json', text: JSON.stringify(completion) };
}

/** Ollama /api/chat: NDJSON when streaming (the default), one JSON object otherwise. */
function ollamaChat(path: string, body: Record<string, unknown>) {
  if (path !== '/api/chat') return { type: 'none', text: '' };
  const head = { model: String(body.model), created_at: '2026-12-02T06:00:00Z' };
  const done = { ...head, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', total_duration: 1, load_duration: 1, prompt_eval_count: 50, prompt_eval_duration: 1, eval_count: 40, eval_duration: 1 };
  if (body.stream === false) return { type: 'application/json', text: JSON.stringify({ ...done, message: { role: 'assistant', content: ANSWER } }) };
  return { type: 'application/x-ndjson', text: `${JSON.stringify({ ...head, message: { role: 'assistant', content: ANSWER }, done: false })}\n${JSON.stringify(done)}\n` };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-chat-model-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'x.db')}` });
  await importFhirPath(resolve(__dirname, '../../../demo/mcode-stu4'), { store });
  lookup = storeRecordLookup(store);
  const jenny = composeCaseSummary(JENNY, await store.getFacts(JENNY), { today: new Date('2019-01-15') });
  // Two sentences: [1] HER2, [2] Oncotype DX.
  small = { ...jenny, sections: jenny.sections.map((s) => ({ ...s, sentences: s.sentences.filter((x) => /HER2|Oncotype/.test(x.text)) })) };
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

function expectInventionDropped(result: Awaited<ReturnType<typeof rephraseCaseSummary>>) {
  expect(result.summary.sections.flatMap((s) => s.sentences).map((s) => s.text)).toEqual(['HER2 [Interpretation] in Tissue was Negative on 2018-03-10.']);
  expect(result.rejected.map((r) => [r.text, r.reasons])).toEqual([
    ['Oncotype DX Breast Recurrence Score Assay: 12 Recurrence score, 2018-04-12, low risk.', ['value 12 is not in the cited records']],
    ['The patient is a candidate for trastuzumab.', ['cites no evidence']],
  ]);
}

describe('chat model settings', () => {
  it('is off by default: nothing is configured or constructed without ONCOBOARD_CHAT_PROVIDER', () => {
    expect(chatModelSettingsFromEnv({})).toBeNull();
    expect(chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'none', ONCOBOARD_CHAT_MODEL: 'x' })).toBeNull();
    expect(chatModelFromEnv({})).toBeNull();
  });

  it('names the variable and what was expected when a set configuration is invalid', () => {
    expect(() => chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'gpt' })).toThrow(ChatModelConfigError);
    expect(() => chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'gpt' })).toThrow(/^ONCOBOARD_CHAT_PROVIDER: .*\(got "gpt"; expected one of none, openai-compatible, ollama\)$/);
    expect(() => chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'openai-compatible', ONCOBOARD_CHAT_MODEL: 'm' })).toThrow(/^ONCOBOARD_CHAT_BASE_URL: /);
    expect(() => chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'ollama' })).toThrow(/^ONCOBOARD_CHAT_MODEL: expected a model name$/);
    expect(() => chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'ollama', ONCOBOARD_CHAT_MODEL: 'm', ONCOBOARD_CHAT_TIMEOUT_MS: '5' })).toThrow(/^ONCOBOARD_CHAT_TIMEOUT_MS: /);
    expect(chatModelSettingsFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'ollama', ONCOBOARD_CHAT_MODEL: 'llama3.2' })).toEqual({ provider: 'ollama', baseUrl: 'http://127.0.0.1:11434', model: 'llama3.2', timeoutMs: 60_000 });
  });
});

describe('OpenAI-compatible endpoint (ChatOpenAI with a base URL) against a local stand-in server', () => {
  it('sends the numbered sentences with the key from the environment, and the verifier drops the invented value and the uncited claim', async () => {
    const { server, url, seen } = await standIn(openAiCompletions);
    try {
      const env = { ONCOBOARD_CHAT_PROVIDER: 'openai-compatible', ONCOBOARD_CHAT_BASE_URL: `${url}/v1`, ONCOBOARD_CHAT_MODEL: 'local-model', ONCOBOARD_CHAT_API_KEY: 'sk-local-test', ONCOBOARD_CHAT_TIMEOUT_MS: '5000' };
      const configured = chatModelFromEnv(env)!;
      expect(configured.model).toBeInstanceOf(ChatOpenAI);
      const result = await rephraseCaseSummary(small, configured.model, lookup, { timeoutMs: configured.settings.timeoutMs });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.headers.authorization).toBe('Bearer sk-local-test');
      expect(seen[0]!.body).toMatchObject({ model: 'local-model', temperature: 0 });
      const messages = seen[0]!.body.messages as { role: string; content: string }[];
      expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
      expect(messages[1]!.content).toMatch(/^HER2 \[Interpretation\] in Tissue: Negative, 2018-03-10\. \[1\]\nOncotype DX Breast Recurrence Score Assay: .+, 2018-04-12\. \[2\]$/);
      expectInventionDropped(result);
      expect(result.summary.composer).toContain('rephrased by openai');
    } finally {
      server.close();
    }
  });

  it('reports an unreachable endpoint as an error (the composed summary is left as it is)', async () => {
    const model = createChatModel({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 2000 }, {});
    await expect(rephraseCaseSummary(small, model, lookup)).rejects.toThrow();
  });
});

describe('Ollama endpoint (ChatOllama) against a local stand-in server speaking /api/chat', () => {
  it('sends the model and messages, and the verifier drops the invented value and the uncited claim', async () => {
    const { server, url, seen } = await standIn(ollamaChat);
    try {
      const configured = chatModelFromEnv({ ONCOBOARD_CHAT_PROVIDER: 'ollama', ONCOBOARD_CHAT_BASE_URL: url, ONCOBOARD_CHAT_MODEL: 'llama3.2:1b' })!;
      expect(configured.model).toBeInstanceOf(ChatOllama);
      const result = await rephraseCaseSummary(small, configured.model, lookup, { timeoutMs: configured.settings.timeoutMs });
      expect(seen.map((s) => s.path)).toEqual(['/api/chat']);
      expect(seen[0]!.body).toMatchObject({ model: 'llama3.2:1b', options: { temperature: 0 } });
      expect((seen[0]!.body.messages as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user']);
      expectInventionDropped(result);
      expect(result.summary.composer).toContain('rephrased by ollama');
    } finally {
      server.close();
    }
  });
});

describe('prepareCase with a configured chat model', () => {
  it('keeps the composed summary, adds the verified rephrasing (inventions rejected), and reports a failing endpoint', async () => {
    const board = await createBoard(store, { title: 'Rephrase board', specialty: 'breast', meetingAt: '2019-01-20T08:00:00Z' }, 'coordinator');
    const c = await addCase(store, board.id, { patientKey: JENNY, question: 'Endocrine therapy?' });
    // Off by default: no chat model configured, no rephrasing, no network.
    expect((await prepareCase(store, c.id, { chatModel: chatModelFromEnv({}) })).rephrased).toBeUndefined();
    const { server, url } = await standIn(openAiCompletions);
    try {
      const env = { ONCOBOARD_CHAT_PROVIDER: 'openai-compatible', ONCOBOARD_CHAT_BASE_URL: `${url}/v1`, ONCOBOARD_CHAT_MODEL: 'local-model' };
      const prepared = await prepareCase(store, c.id, { chatModel: chatModelFromEnv(env), today: new Date('2019-01-15') });
      expect(prepared.summary.composer).toBe('oncoboard-template-composer@1');
      const rephrased = prepared.rephrased as { summary: CaseSummary; rejected: { text: string; reasons: string[] }[] };
      expect(rephrased.rejected.find((r) => r.text === 'The patient is a candidate for trastuzumab.')?.reasons).toEqual(['cites no evidence']);
      // What was kept passes the verifier again.
      expect((await verifyCaseSummary(rephrased.summary, lookup)).rejected).toEqual([]);
    } finally {
      server.close();
    }
    const failing = await prepareCase(store, c.id, { chatModel: { model: createChatModel({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 2000 }, {}), settings: { timeoutMs: 2000 } } });
    expect(failing.rephrased).toEqual({ error: expect.stringMatching(/^the configured chat model failed: /) });
    expect(failing.summary.sections.flatMap((s) => s.sentences).length).toBeGreaterThan(20);
  });

  it('composes (with the chat call) without writing, so the API can store the result in a short transaction afterwards', async () => {
    const board = await createBoard(store, { title: 'Compose-then-save board', specialty: 'breast', meetingAt: '2019-01-20T08:00:00Z' }, 'coordinator');
    const c = await addCase(store, board.id, { patientKey: JENNY, question: 'Adjuvant?' });
    const { server, url } = await standIn(openAiCompletions);
    let composed;
    try {
      const env = { ONCOBOARD_CHAT_PROVIDER: 'openai-compatible', ONCOBOARD_CHAT_BASE_URL: `${url}/v1`, ONCOBOARD_CHAT_MODEL: 'local-model' };
      composed = await composePreparedCase(store, c.id, { chatModel: chatModelFromEnv(env), today: new Date('2019-01-15') });
    } finally {
      server.close();
    }
    expect(composed.rephrased).toHaveProperty('summary');
    // Nothing stored yet: the case is as added.
    expect(await store.prisma.boardCase.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ summaryJson: null, preparedAt: null, status: 'to-prepare' });
    await savePreparedCase(store, c.id, composed);
    const saved = await getCase(store, c.id);
    expect(saved.status).toBe('ready');
    expect(saved.prepared).toEqual(JSON.parse(JSON.stringify(composed)));
  });
});

