/**
 * What the applet's listeners saw while one command ran. Pure.
 *
 * GeoGebra's `evalCommandGetLabels` answers null both for a scripting command that ran
 * (SetColor, SetValue, Delete, …) and for one that failed. Measured on GeoGebra
 * 5.0.745.0, the listeners fire synchronously, before it returns, for every scripting
 * command that changed something (SetValue → update, SetColor → client updateStyle,
 * Delete → remove, ZoomIn → viewChanged2D, …) and never for a failed one. So "some
 * listener fired during the call" is the signal that a command without labels ran.
 */
export class Activity {
  /** Listener calls since the applet was built. */
  get count(): number {
    return this._count;
  }

  /** Called by the bridge for every listener call, with the names it concerns. */
  record(names: readonly string[]): void {
    this._count += 1;
    if (this.watching) {
      for (const name of names) {
        if (this.names.size < Activity.NAME_LIMIT) {
          this.names.add(name);
        }
      }
    }
  }

  /** Start watching one command; returns the mark `stop` compares with. */
  start(): number {
    this.watching = true;
    this.names.clear();
    return this._count;
  }

  /** Stop watching: how many listener calls came since `mark`, and the names they named. */
  stop(mark: number): { calls: number; names: string[] } {
    this.watching = false;
    const names = [...this.names];
    this.names.clear();
    return { calls: this._count - mark, names };
  }

  /** Names kept for one command; a Delete of a big construction names many. */
  static readonly NAME_LIMIT = 50;
  private _count = 0;
  private watching = false;
  private readonly names = new Set<string>();
}
