/**
 * `node:child_process`, loaded on first use. commander requires it when it is imported, for
 * executable subcommands (a command run as a program of its own), which ride-duration does not
 * have; Node's child_process (with net, dgram and streams behind it) was then compiled on every
 * start, `--help` included: about 31 M instructions, a fifth of what `--help` adds to an empty
 * `node`. scripts/build.mjs gives commander this module instead; any property read loads the real
 * one. Only reads are forwarded: commander reads `spawn` and writes nothing.
 */
'use strict';

let real;
const load = () => (real ??= require('node:child_process'));

module.exports = new Proxy(
  {},
  {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  },
);
