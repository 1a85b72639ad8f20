// Loads the cornerstone WASM decoders (CharLS for JPEG-LS, OpenJPEG for JPEG 2000) synchronously, once per process.
// readDicomSeries is synchronous, so the Emscripten factories are given an `instantiateWasm` hook that compiles the
// .wasm read from node_modules with the synchronous WebAssembly API: Emscripten then finishes its start-up before the
// factory returns, and the module object we passed in is usable at once. Nothing is fetched: works offline.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The embind-exported decoder classes (JpegLSDecoder, J2KDecoder) share this shape; the packages ship no types. */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  delete(): void;
}

export interface WasmCodec {
  newDecoder(): WasmDecoder;
  /** What the module printed to stderr since the last call (OpenJPEG reports its errors there). */
  takeMessages(): string[];
}

interface CodecSpec {
  /** Package export of the Emscripten JS glue and of its .wasm (see the packages' "exports"). */
  js: string;
  wasm: string;
  className: string;
}

const SPECS = {
  charls: { js: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', className: 'JpegLSDecoder' },
  openjpeg: { js: '@cornerstonejs/codec-openjpeg/decodewasmjs', wasm: '@cornerstonejs/codec-openjpeg/decodewasm', className: 'J2KDecoder' },
} satisfies Record<string, CodecSpec>;

export type WasmCodecName = keyof typeof SPECS;

/** Compiled modules are kept for the process; instances can be rebuilt from them cheaply after a failure. */
const compiled = new Map<WasmCodecName, WebAssembly.Module>();
const instances = new Map<WasmCodecName, WasmCodec>();

/** The codec's module, initialised on first use. */
export function wasmCodec(name: WasmCodecName): WasmCodec {
  const ready = instances.get(name);
  if (ready) return ready;
  const spec: CodecSpec = SPECS[name];
  let wasmModule = compiled.get(name);
  if (!wasmModule) {
    wasmModule = new WebAssembly.Module(readFileSync(require.resolve(spec.wasm)));
    compiled.set(name, wasmModule);
  }
  const factory = require(spec.js) as (moduleArg: Record<string, unknown>) => Promise<unknown>;
  const messages: string[] = [];
  const moduleArg: Record<string, unknown> = {
    print: () => undefined,
    printErr: (text: string) => {
      messages.push(text);
      if (messages.length > 20) messages.shift();
    },
    instantiateWasm: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      const instance = new WebAssembly.Instance(wasmModule, imports);
      receive(instance, wasmModule);
      return instance.exports;
    },
  };
  // The returned promise is only Emscripten's "ready" signal; with a synchronous instantiateWasm it has already
  // resolved its work. Swallow a late rejection so that it cannot become an unhandled rejection.
  factory(moduleArg).catch(() => undefined);
  const Decoder = moduleArg[spec.className] as (new () => WasmDecoder) | undefined;
  if (typeof Decoder !== 'function') throw new Error(`${spec.js}: ${spec.className} missing after initialisation`);
  const codec: WasmCodec = {
    newDecoder: () => new Decoder(),
    takeMessages: () => messages.splice(0, messages.length),
  };
  instances.set(name, codec);
  return codec;
}

/**
 * Runs one decode on a fresh decoder object and copies the result out of WASM memory. After any failure the
 * instance is dropped (an Emscripten abort leaves it unusable), so the next frame starts from a clean one.
 */
export function decodeWithWasm(name: WasmCodecName, data: Uint8Array): { pixels: Uint8Array; info: ReturnType<WasmDecoder['getFrameInfo']> } {
  const codec = wasmCodec(name);
  codec.takeMessages();
  let decoder: WasmDecoder | undefined;
  try {
    decoder = codec.newDecoder();
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const pixels = decoder.getDecodedBuffer().slice();
    return { pixels, info: { ...info } };
  } catch (thrown) {
    instances.delete(name);
    const detail = thrown instanceof Error ? thrown.message : typeof thrown === 'string' ? thrown : `the decoder rejected the codestream (native exception ${String(thrown)}, no message)`;
    const printed = codec.takeMessages().join(' | ');
    throw new Error(printed ? `${detail}; decoder said: ${printed}` : detail);
  } finally {
    try {
      decoder?.delete();
    } catch {
      // The instance is being discarded anyway.
    }
  }
}
