// Preloaded into a measured child (node --require): prints its peak resident memory on stderr when it exits.
'use strict';

process.on('exit', () => {
  process.stderr.write(`\n__bench_maxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
