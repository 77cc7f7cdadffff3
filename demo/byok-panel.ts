// The settings panel: the workspace's own provider key (BYOK) through PUT, GET and DELETE
// /api/v1/byok with the builder's token. The server shows only a hint of a stored key.
import type { ByokStatus, PutByokRequest } from '../src/index.js';
import { byId, h } from './dom.js';
import { HostDialog } from './host-dialog.js';
import { deleteByok, getByok, putByok } from '../src/contract/routes.js';
import { requestRoute } from './session.js';

export interface ByokPanelOptions {
  token: () => string;
  /** after a key was set or removed: estimates, balance and the chat's provider change */
  onChanged: (status: ByokStatus) => void;
}

const PROVIDER_NAMES: Record<string, string> = { openai: 'OpenAI', anthropic: 'Anthropic' };

export class ByokPanel extends HostDialog {
  private readonly current = byId('byok-current', HTMLElement);
  private readonly save = byId('byok-save', HTMLButtonElement);
  private readonly remove = byId('byok-remove', HTMLButtonElement);

  constructor(private readonly options: ByokPanelOptions) {
    super({ dialog: 'settings-dialog', form: 'byok-form', status: 'byok-status' });
    this.remove.addEventListener('click', () => void this.delete());
  }

  async open(opener: HTMLElement | null): Promise<void> {
    this.show(opener);
    byId('byok-provider', HTMLSelectElement).focus();
    await this.load();
  }

  /** Reads the key's status (for the status bar too); null when it could not be read. */
  async fetchStatus(): Promise<ByokStatus | null> {
    try {
      return await requestRoute(getByok, this.options.token());
    } catch {
      return null;
    }
  }

  private async load(): Promise<void> {
    this.current.replaceChildren(h('span', { class: 'muted' }, 'Loading…'));
    const status = await this.fetchStatus();
    if (status) this.showStatus(status);
    else this.current.replaceChildren(h('span', { class: 'error' }, 'The key status could not be read.'));
  }

  private showStatus(status: ByokStatus): void {
    this.remove.hidden = !status.enabled;
    if (!status.enabled) {
      this.current.replaceChildren(
        h('strong', {}, 'No key set.'),
        ' AI operations run on the workspace’s credits.',
      );
      return;
    }
    const provider = PROVIDER_NAMES[status.provider ?? ''] ?? status.provider ?? 'Provider';
    const details = [status.model && `model ${status.model}`, status.baseUrl && `at ${status.baseUrl}`].filter(Boolean).join(', ');
    this.current.replaceChildren(
      h('strong', {}, `${provider} key `),
      h('code', { class: 'key-hint' }, status.keyHint ?? '••••'),
      details ? ` (${details})` : '',
      '. AI operations use this key and debit no credits; usage is still recorded.',
    );
  }

  private request(): PutByokRequest {
    const data = new FormData(this.form);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const provider = field('provider') === 'anthropic' ? 'anthropic' : 'openai';
    const request: PutByokRequest = { provider, apiKey: field('apiKey') };
    if (field('baseUrl')) request.baseUrl = field('baseUrl');
    if (field('model')) request.model = field('model');
    return request;
  }

  protected async submitted(): Promise<void> {
    await this.run(this.save, 'Saving the key…', async () => {
      const status = await requestRoute(putByok, this.options.token(), { body: this.request() });
      byId('byok-key', HTMLInputElement).value = '';
      return status;
    }, 'Key saved. The server keeps it encrypted and shows only its hint.');
  }

  private async delete(): Promise<void> {
    await this.run(this.remove, 'Removing the key…', () => requestRoute(deleteByok, this.options.token()), 'Key removed. AI operations draw on credits again.');
  }

  private async run(button: HTMLButtonElement, pending: string, action: () => Promise<ByokStatus>, done: string): Promise<void> {
    button.disabled = true;
    this.say(pending);
    try {
      const status = await action();
      this.showStatus(status);
      this.say(done);
      this.options.onChanged(status);
    } catch (error) {
      this.say((error as Error).message, true);
    } finally {
      button.disabled = false;
    }
  }
}
