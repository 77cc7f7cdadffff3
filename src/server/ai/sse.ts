/** One dispatched server-sent event: `event` is the `event:` field (default `message`). */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental server-sent-events parser (WHATWG event-stream rules) that accepts the
 * body in chunks cut anywhere: inside a line, between `\r` and `\n`, or inside a UTF-8
 * character. `push` returns the events completed by the chunk; `finish` reports whether
 * the stream ended cleanly, i.e. without a half line or an undispatched event.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private line = '';
  private skipLeadingLf = false;
  private data: string[] = [];
  private eventName = '';
  private id: string | undefined;

  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      if (ch === 10 && this.skipLeadingLf && i === start && this.line === '') {
        // the \n of a \r\n pair whose \r ended the previous chunk
        this.skipLeadingLf = false;
        start = i + 1;
        continue;
      }
      this.skipLeadingLf = false;
      this.line += text.slice(start, i);
      this.takeLine(out);
      if (ch === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    if (start < text.length) {
      this.skipLeadingLf = false;
      this.line += text.slice(start);
    }
    return out;
  }

  /** Flushes the decoder; `clean` is false when the stream stopped inside a line or an event. */
  finish(): { clean: boolean } {
    const rest = this.decoder.decode();
    return { clean: rest === '' && this.line === '' && this.data.length === 0 && this.eventName === '' };
  }

  private takeLine(out: SseEvent[]): void {
    const line = this.line;
    this.line = '';
    if (line === '') {
      if (this.data.length > 0) {
        const event: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n') };
        if (this.id !== undefined) event.id = this.id;
        out.push(event);
      }
      this.data = [];
      this.eventName = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}
