// Sets INPUT_* (and other) variables for an in-process run and puts everything back afterwards.
import { inputEnv, type Inputs } from '../../scripts/runner.ts';

export function setEnv(values: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(values)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Clears every INPUT_* variable, then sets these inputs. Returns the restore function. */
export function setInputs(inputs: Inputs): () => void {
  for (const name of Object.keys(process.env))
    if (name.startsWith('INPUT_')) delete process.env[name];
  return setEnv(inputEnv(inputs));
}
