/** The base of the elements' events: bubbling and composed, so they reach the host page through shadow roots. */
export abstract class CreditEvent<Detail> extends Event {
  readonly detail: Detail;
  constructor(type: string, detail: Detail, cancelable = false) {
    super(type, { bubbles: true, composed: true, cancelable });
    this.detail = detail;
  }
}
