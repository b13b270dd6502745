/** The parsed JSON, or null when `text` is not JSON (an empty ack, a plain-text log line). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
