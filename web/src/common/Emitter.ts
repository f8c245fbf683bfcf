/** A tiny typed event emitter: event name -> listener argument. */
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(arg: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (arg: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (arg: never) => void);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: (arg: Events[K]) => void): void {
    this.listeners.get(event)?.delete(listener as (arg: never) => void);
  }

  protected emit<K extends keyof Events>(event: K, arg: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // Copy so a listener may unsubscribe itself while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as (arg: Events[K]) => void)(arg);
      } catch (err) {
        console.error(`[Emitter] listener for "${String(event)}" threw`, err);
      }
    }
  }
}
