/** CDK entry point (`cdk.json`: `npx tsx cdk/app.ts`). */
import { buildApp } from './build-app.js';

buildApp().app.synth();
