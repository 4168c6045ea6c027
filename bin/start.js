#!/usr/bin/env node
// `npm start`: the local pipeline as built JavaScript (dist/), rebuilt first when a source changed.
import { launch } from '../scripts/launch.mjs';

await launch('start', 'npm start');
