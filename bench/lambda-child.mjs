// A fresh Node process standing in for a Lambda container: imports the deployable bundle, invokes
// its `handler` once with the event in argv[3], and reports timings and peak memory on fd 3.
// Plain JavaScript on purpose: no TypeScript loader may add to the start-up time or the RSS measured.
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
if (bundle === '--baseline') {
  // Node alone: the same spawn and report, no bundle. The floor under every cold start on this machine.
  const cpu = process.cpuUsage();
  writeSync(3, JSON.stringify({ nodeStartMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 }));
  process.exit(0);
}
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  awsRequestId: 'bench-cold-start',
  getRemainingTimeInMillis: () => 60_000,
};

// performance.now() counts from the process's time origin, so this is Node's own start-up.
const importStarted = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const response = await handler(event, context);
const responded = performance.now();
const cpu = process.cpuUsage();

function vmHwmKb() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

writeSync(
  3,
  JSON.stringify({
    nodeStartMs: importStarted,
    importMs: imported - importStarted,
    firstInvokeMs: responded - imported,
    predictions: response.predictions?.length ?? 0,
    deadLetters: response.deadLetters?.length ?? 0,
    failures: response.batchItemFailures.length,
    firstPrediction: response.predictions?.[0] ?? null,
    // CPU time of the whole process (all threads) up to the response: robust to a busy machine.
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    vmHwmKb: vmHwmKb(),
  }),
);
