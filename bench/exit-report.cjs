// Preloaded (`node --require bench/exit-report.cjs …`) into a process the bench measures: at exit it
// writes the process's own peak RSS (VmHWM) and CPU time to BENCH_EXIT_REPORT, figures the parent
// cannot read once the child is gone (getrusage of children would count the bench's own memory,
// inherited across fork + exec). Plain CommonJS so that it loads before anything else.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

const target = process.env.BENCH_EXIT_REPORT;
if (target) {
  process.on('exit', () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const cpu = process.cpuUsage();
    writeFileSync(target, JSON.stringify({ peakRssKb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN), cpuMs: (cpu.user + cpu.system) / 1000 }));
  });
}
