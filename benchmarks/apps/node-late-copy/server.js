'use strict';

const http = require('http');
const { badge } = require('./lib/badge');

function handler(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok');
  }
  const match = url.pathname.match(/^\/badge\/([a-z0-9-]+)$/);
  if (!match) {
    res.writeHead(404);
    return res.end();
  }
  const uptime = Number(url.searchParams.get('ms') || process.uptime() * 1000);
  res.writeHead(200, { 'content-type': 'image/svg+xml' });
  return res.end(badge(match[1], uptime));
}

function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

// `node server.js --selftest`: serve on a loopback port, fetch a badge, print what came back.
async function selftest() {
  const server = http.createServer(handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { status, body } = await get(server.address().port, '/badge/uptime?ms=259200000');
    const value = body.match(/<text[^>]*>([^<]*)<\/text><\/svg>/);
    console.log(`selftest ${status} uptime=${value && value[1]}`);
  } finally {
    server.close();
  }
}

if (process.argv.includes('--selftest')) {
  selftest().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  const port = Number(process.env.PORT || 8080);
  http.createServer(handler).listen(port, () => console.log(`uptime-badge on ${port}`));
}
