#!/usr/bin/env node
// The CLI runs as built JavaScript (dist/, built by `npm ci`); a source edited since is rebuilt first.
import { launch } from '../scripts/launch.mjs';

await launch('ride-duration');
