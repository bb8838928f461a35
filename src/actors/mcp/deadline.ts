/**
 * A timeout that stops counting while the user is being asked something. Codex's
 * `active_time_timeout` pauses a tool call's clock during an elicitation: a person reading a form
 * should not make the call time out.
 */
export class Deadline {
  private remaining: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
    paused = false,
  ) {
    this.remaining = ms;
    if (!paused) this.resume();
  }

  pause(): void {
    if (this.done || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.done || this.timer) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.onExpire();
    }, Math.max(0, this.remaining));
  }

  clear(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
