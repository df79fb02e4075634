'use strict';

const http = require('http');
const { createApp } = require('../src/app');

let server;
let port;

beforeAll((done) => {
  server = createApp().listen(0, '127.0.0.1', () => {
    port = server.address().port;
    done();
  });
});

afterAll((done) => server.close(done));

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : '';
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

test('creates and completes a todo', async () => {
  const created = await call('POST', '/todos', { title: 'write tests' });
  expect(created.status).toBe(201);
  const patched = await call('PATCH', `/todos/${created.body.id}`, { done: true });
  expect(patched.body.done).toBe(true);
});

test('rejects a todo without a title', async () => {
  const res = await call('POST', '/todos', {});
  expect(res.status).toBe(400);
});
