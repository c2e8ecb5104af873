/**
 * The sizes that must agree across the stack. socket.io closes a connection whose message is
 * larger than its buffer (no ack, no error the browser can show), so every schema-valid message
 * must fit well inside it: the conversation cap below leaves room for the request's other fields
 * and socket.io's envelope, and a client that would send more gets a clear error first.
 */
export const SOCKET_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Largest conversation of one request, as UTF-8 JSON of its messages. */
export const MAX_CONVERSATION_BYTES = 512 * 1024;

/**
 * The most UTF-8 bytes of text one token covers, in any tokenizer we serve (GPT-2/Llama/Qwen-style
 * vocabularies stay far below it). A prompt of B bytes takes at least B / MAX_TOKEN_BYTES tokens,
 * so the controller can refuse a prompt longer than a model's context before a worker tokenizes it.
 */
export const MAX_TOKEN_BYTES = 256;

const encoder = new TextEncoder();

/** UTF-8 length of a string, counted without allocating its encoding. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Size of a JSON value as socket.io sends it (UTF-8 JSON). */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/** A lower bound of the tokens the messages' text takes, whatever the tokenizer. */
export function minPromptTokens(messages: ReadonlyArray<{ content: string }>): number {
  let bytes = 0;
  for (const message of messages) bytes += utf8Length(message.content);
  return Math.ceil(bytes / MAX_TOKEN_BYTES);
}

export function formatKiB(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}
