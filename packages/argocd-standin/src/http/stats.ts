/** Requests per route template (`GET /api/v1/applications/{name}`), for benchmarks that count calls. */
export class RequestStats {
  #counts = new Map<string, number>();

  count(route: string): void {
    this.#counts.set(route, (this.#counts.get(route) ?? 0) + 1);
  }

  get total(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  byRoute(): Record<string, number> {
    return Object.fromEntries(
      [...this.#counts].sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  reset(): void {
    this.#counts.clear();
  }

  toJSON() {
    return { total: this.total, requests: this.byRoute() };
  }
}
