// The optional chat model that may rephrase a composed summary (rephrase-summary.ts), configured by the user:
// any local OpenAI-compatible endpoint (llama.cpp server, vLLM, LM Studio, LocalAI...: @langchain/openai's
// ChatOpenAI with a base URL) or an Ollama server (@langchain/ollama's ChatOllama). Off by default: without
// ONCOBOARD_CHAT_PROVIDER nothing is constructed, no network is touched and no model is needed. The API key is
// read from the environment only (never from a settings file or a request), and never logged.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';

export const CHAT_PROVIDERS = ['openai-compatible', 'ollama'] as const;
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];

export const chatModelSettingsSchema = z.object({
  provider: z.enum(CHAT_PROVIDERS),
  baseUrl: z.string().url('expected an http(s) URL such as http://127.0.0.1:8080/v1').refine((u) => /^https?:\/\//.test(u), 'expected an http(s) URL'),
  model: z.string().trim().min(1, 'expected a model name'),
  timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
});
/** What a user sets (settings or environment); the API key is not part of it. */
export type ChatModelSettings = z.infer<typeof chatModelSettingsSchema>;

export class ChatModelConfigError extends Error {
  override name = 'ChatModelConfigError';
}

/** The environment variables read by chatModelSettingsFromEnv (documented in the README). */
export const CHAT_ENV = {
  provider: 'ONCOBOARD_CHAT_PROVIDER',
  baseUrl: 'ONCOBOARD_CHAT_BASE_URL',
  model: 'ONCOBOARD_CHAT_MODEL',
  timeoutMs: 'ONCOBOARD_CHAT_TIMEOUT_MS',
  apiKey: 'ONCOBOARD_CHAT_API_KEY',
} as const;

/**
 * The chat-model settings from the environment; null when ONCOBOARD_CHAT_PROVIDER is unset, empty or "none" (the
 * default: no rephrasing). A set but invalid configuration is an error naming the variable and what was expected.
 */
export function chatModelSettingsFromEnv(env: Record<string, string | undefined> = process.env): ChatModelSettings | null {
  const provider = env[CHAT_ENV.provider]?.trim();
  if (!provider || provider === 'none') return null;
  const timeout = env[CHAT_ENV.timeoutMs]?.trim();
  const parsed = chatModelSettingsSchema.safeParse({
    provider,
    baseUrl: env[CHAT_ENV.baseUrl]?.trim() ?? (provider === 'ollama' ? 'http://127.0.0.1:11434' : undefined),
    model: env[CHAT_ENV.model] ?? '',
    ...(timeout ? { timeoutMs: Number(timeout) } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? 'provider') as keyof typeof CHAT_ENV;
    const given = field === 'provider' ? ` (got "${provider}"; expected one of none, ${CHAT_PROVIDERS.join(', ')})` : '';
    throw new ChatModelConfigError(`${CHAT_ENV[field] ?? field}: ${issue.message}${given}`);
  }
  return parsed.data;
}

/**
 * A LangChain chat model for the settings. Deterministic decoding (temperature 0), no retries (a failed call is
 * reported, the composed summary stays as it is); ChatOpenAI applies the timeout itself, for Ollama
 * rephraseCaseSummary passes it with the call (its `timeoutMs` option).
 */
export function createChatModel(settings: ChatModelSettings, env: Record<string, string | undefined> = process.env): BaseChatModel {
  const s = chatModelSettingsSchema.parse(settings);
  if (s.provider === 'openai-compatible') {
    return new ChatOpenAI({
      model: s.model,
      temperature: 0,
      maxRetries: 0,
      timeout: s.timeoutMs,
      // Local servers often need no key; the client insists on one, so a placeholder is sent then.
      apiKey: env[CHAT_ENV.apiKey] || 'no-key',
      configuration: { baseURL: s.baseUrl },
      useResponsesApi: false,
    });
  }
  // ChatOllama has no timeout option of its own: rephraseCaseSummary passes settings.timeoutMs with each call.
  return new ChatOllama({ baseUrl: s.baseUrl, model: s.model, temperature: 0, maxRetries: 0 });
}

/** The configured chat model and its settings, or null (the default) when none is configured. */
export function chatModelFromEnv(env: Record<string, string | undefined> = process.env): { model: BaseChatModel; settings: ChatModelSettings } | null {
  const settings = chatModelSettingsFromEnv(env);
  return settings ? { model: createChatModel(settings, env), settings } : null;
}
