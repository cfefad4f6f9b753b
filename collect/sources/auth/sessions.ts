/**
 * sshd session state, keyed by the sshd process id that logs the whole
 * session (Accepted, pam session opened/closed, Disconnected all come from
 * the same monitor pid). Bounded: beyond MAX_SESSIONS the oldest entry is
 * forgotten, so a host with a stuck log cannot grow the collector's memory;
 * a forgotten session still gets its logout event, only without duration.
 */
const MAX_SESSIONS = 4096;

export interface SshSession {
  user: string;
  startMs: number | undefined;
  sessionId: string;
  closed: boolean;
  /** Where the login came from: the logout event repeats it (sshd's close lines do not name it). */
  sourceIp?: string;
}

export class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): V | undefined {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size <= this.max) return undefined;
    const oldest = this.map.keys().next();
    if (oldest.done) return undefined;
    const evicted = this.map.get(oldest.value);
    this.map.delete(oldest.value);
    return evicted;
  }

  delete(key: string): V | undefined {
    const value = this.map.get(key);
    this.map.delete(key);
    return value;
  }

  drain(): V[] {
    const values = [...this.map.values()];
    this.map.clear();
    return values;
  }

  get size(): number {
    return this.map.size;
  }
}

/** pid-based session ids: the pid plus the login second, because pids are reused (32768 by default on older kernels). */
export function sessionIdFor(pid: string, startMs: number | undefined): string {
  return startMs === undefined ? `sshd-${pid}` : `sshd-${pid}-${Math.floor(startMs / 1000)}`;
}

export const newSessionMap = (): BoundedMap<SshSession> => new BoundedMap<SshSession>(MAX_SESSIONS);
