import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { UsageError } from './exit-codes.ts';

/** Reads all of stdin. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a JSON or YAML document from a file, or from stdin for `-` (or
 * when no file is given and stdin is not a terminal).
 */
export async function readDocument(
  file: string | undefined,
  stdin: () => Promise<string> = readStdin,
): Promise<unknown> {
  let text: string;
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY)
      throw new UsageError('Give the content with -f <file.json|yaml> or on stdin');
    text = await stdin();
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
    }
  }
  try {
    return parse(text);
  } catch (error) {
    throw new UsageError(`The content is neither JSON nor YAML: ${(error as Error).message}`);
  }
}
