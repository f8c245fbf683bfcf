/** A minimal observable store: state changes only through a pure reducer. */
export class Store<S, A> {
  private state: S;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly reducer: (state: S, action: A) => S,
    initial: S,
  ) {
    this.state = initial;
  }

  getState = (): S => this.state;

  dispatch = (action: A): void => {
    const next = this.reducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const l of [...this.listeners]) l();
  };

  /** Returns an unsubscribe function (the shape useSyncExternalStore expects). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}
