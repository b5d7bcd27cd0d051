import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { JdCloudPluginError } from '../errors.js';

export type CliOptions = Record<string, unknown>;

export function optionText(options: CliOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The event of `invoke` / `invoke local`: `--path file.json` (`-p`), `--data '…'`, or `{}`. */
export async function readEvent(serviceDir: string, options: CliOptions): Promise<{ event: unknown; text: string }> {
  const path = optionText(options, 'path');
  const data = optionText(options, 'data');
  let text = '{}';
  if (path !== undefined) {
    const file = isAbsolute(path) ? path : join(serviceDir, path);
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
      throw new JdCloudPluginError(`The event file ${path} (--path/-p) ${reason}: ${file}. Pass the path of a JSON event file, or the event itself with --data.`, 'JDCLOUD_EVENT_FILE', {
        cause: error,
      });
    }
  } else if (data !== undefined) text = data;
  if (options['raw'] === true) return { event: text, text: JSON.stringify(text) };
  try {
    const event: unknown = JSON.parse(text);
    return { event, text: JSON.stringify(event) };
  } catch (error) {
    if (path !== undefined) {
      throw new JdCloudPluginError(`The event file ${path} is not valid JSON: ${(error as Error).message}. Fix it, or pass --raw to send it as a string.`, 'JDCLOUD_INVALID_EVENT', {
        cause: error,
      });
    }
    return { event: text, text: JSON.stringify(text) };
  }
}
