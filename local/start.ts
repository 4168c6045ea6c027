// Placeholder until the local-pipeline issue lands: `npm start` must run and say what it does.
console.log('ride-duration-stream: the embedded local pipeline is not built yet.');
console.log('Run `npm run --silent cli -- invoke --event events/kinesis-single-ride.json` to score the course event.');
