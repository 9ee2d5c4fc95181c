/**
 * Runs inside a benchmarked child: samples the heap (V8 keeps no peak of its own) and answers the
 * parent's `memory` request with the peak heap, the peak resident set size from getrusage, and the
 * heap still in use after a full GC (what the process holds, not what it made and dropped).
 */
export function reportMemoryOnRequest(sampleEveryMs = 50): void {
  let peakHeapBytes = 0;
  const sample = () => {
    peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  };
  setInterval(sample, sampleEveryMs).unref();
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'memory') {
      sample();
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      process.send!({
        type: 'memory',
        // maxRSS is in KiB.
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        peakHeapBytes,
        retainedHeapBytes: gc ? process.memoryUsage().heapUsed : NaN,
      });
    }
  });
}
