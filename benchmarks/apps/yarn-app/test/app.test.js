'use strict';

const assert = require('assert');
const request = require('supertest');
const { createApp } = require('../src/app');

describe('link shortener', () => {
  it('shortens and redirects', async () => {
    const server = createApp().callback();
    const created = await request(server).post('/links').send({ url: 'https://example.com/a' });
    assert.strictEqual(created.status, 201);
    const follow = await request(server).get(`/${created.body.code}`);
    assert.strictEqual(follow.status, 302);
    assert.strictEqual(follow.headers.location, 'https://example.com/a');
  });

  it('rejects non-http urls', async () => {
    const res = await request(createApp().callback()).post('/links').send({ url: 'ftp://x' });
    assert.strictEqual(res.status, 400);
  });
});
