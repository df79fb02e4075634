'use strict';

// Starts the image's own `http-server` (the global CLI, found on PATH) on a loopback port,
// fetches two files from public/ and prints what came back.
const { spawn } = require('child_process');
const http = require('http');

const port = 18080;

function get(path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

async function waitForServer(child) {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`http-server exited ${child.exitCode}`);
    try {
      return await get('/index.html');
    } catch (err) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('http-server did not start');
}

async function main() {
  const child = spawn('http-server', ['public', '-p', String(port), '-a', '127.0.0.1', '-s'], { stdio: 'inherit' });
  child.on('error', (err) => {
    console.error(`cannot start http-server: ${err.message}`);
    process.exit(1);
  });
  try {
    const page = await waitForServer(child);
    const data = await get('/releases.json');
    const title = (page.body.match(/<title>([^<]*)<\/title>/) || [])[1];
    console.log(`selftest ${page.status} ${title} latest=${JSON.parse(data.body)[0].version}`);
  } finally {
    child.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
