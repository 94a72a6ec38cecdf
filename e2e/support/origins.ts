// Local origins that misbehave on purpose, started by a spec and closed after it.
import { origin, type Origin, type Step } from '../../main/proxy/test-support/origin';

export class Origins {
  private readonly started: Origin[] = [];

  /** Steps for every connection, or per connection (its index from 0). */
  async misbehaving(steps: Step[] | ((index: number) => Step[])): Promise<Origin> {
    const o = await origin(steps);
    this.started.push(o);
    return o;
  }

  async closeAll(): Promise<void> {
    for (const o of this.started.splice(0)) await o.close();
  }
}
