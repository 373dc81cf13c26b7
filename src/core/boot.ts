// Imported first by every action's entry, before anything else is loaded.
//
// undici parses HTTP with llhttp compiled to WebAssembly. By default V8 compiles it quickly
// (Liftoff) and then optimises it again in the background (TurboFan); a short run such as
// `wait: false` is over before that optimisation is, and Node's exit then waits for it, which
// cost 55–130 ms per run. The baseline code is fast enough for the few replies an action
// parses, so the second compilation is switched off. Both flags are V8's own and only affect
// WebAssembly compiled after this point.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-wasm-dynamic-tiering');
setFlagsFromString('--no-wasm-tier-up');
