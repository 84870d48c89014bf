import type { Ack } from '../../shared/contract';
import { msg } from '../../shared/message';

/**
 * The admin's intents, taken one at a time. The gate closes synchronously, before the intent's
 * first await, so two intents sent in the same tick can never both be taken: the second is
 * refused with what is under way.
 */
export class IntentGate {
  private current: string | null = null;

  async take(name: string, intent: () => Ack | Promise<Ack>): Promise<Ack> {
    if (this.current !== null)
      return { ok: false, error: msg('engine.intent-under-way', { intent: this.current }) };
    this.current = name;
    try {
      return await intent();
    } finally {
      this.current = null;
    }
  }
}
