// @ts-check
// Named one-shot timers: setting a name again replaces its timer, so each job has at most one.

export class Timers {
  /** @private @type {Map<string, ReturnType<typeof setTimeout>>} */
  timers = new Map();

  /**
   * @param {string} name
   * @param {number} ms
   * @param {() => void} fn
   */
  set(name, ms, fn) {
    this.clear(name);
    this.timers.set(name, setTimeout(() => {
      this.timers.delete(name);
      fn();
    }, ms));
  }

  /** @param {string} name */
  has(name) {
    return this.timers.has(name);
  }

  /** @param {string} name */
  clear(name) {
    const t = this.timers.get(name);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(name);
    }
  }

  clearAll() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
