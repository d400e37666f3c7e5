/**
 * A router's script jobs (`/system script job`): scripts started in the background, as `/execute` without
 * `as-string` starts them (REST `POST /rest/execute`, the API's `/execute`). Each job gets an id `*N`
 * (hex, counted per router, as RouterOS numbers its jobs), runs once the caller has its answer, and is
 * gone when it finishes.
 *
 * flowplane's scripts never wait (`:delay` does not sleep, loops are bounded by a step budget), so a job
 * runs to its end in one go: it is listed from `start` until the event loop comes round to it.
 */
export interface ScriptJob {
  readonly id: string;
  /** The user that started it. */
  readonly owner: string;
  readonly source: string;
}

export class ScriptJobs {
  private next = 1;
  private readonly running = new Map<string, ScriptJob>();

  /** Start `run` in the background (after the current turn of the event loop); returns the job's id. */
  start(owner: string, source: string, run: () => void): string {
    const id = `*${(this.next++).toString(16).toUpperCase()}`;
    const job: ScriptJob = { id, owner, source };
    this.running.set(id, job);
    setImmediate(() => {
      try {
        run();
      } catch {
        // A job's failure is the job's (its runner logs it); it must not reach the event loop.
      } finally {
        this.running.delete(id);
      }
    });
    return id;
  }

  /** The jobs started and not yet finished. */
  list(): ScriptJob[] {
    return [...this.running.values()];
  }
}
