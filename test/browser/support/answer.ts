/** The rendered markdown of an answer: inside the shadow root of the message's `<credit-markdown>`. */
export function answerMarkdown(message: Element | null): HTMLElement | null {
  return message?.querySelector('credit-markdown')?.shadowRoot?.querySelector<HTMLElement>('.markdown') ?? null;
}
