'use strict';

const crypto = require('crypto');
const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');

function shortCode(url) {
  return crypto.createHash('sha256').update(url).digest('base64url').slice(0, 7);
}

function createApp() {
  const app = new Koa();
  const router = new Router();
  const links = new Map();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', links: links.size };
  });

  router.post('/links', (ctx) => {
    const { url } = ctx.request.body || {};
    try {
      const parsed = new URL(url);
      if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('scheme');
    } catch (err) {
      ctx.status = 400;
      ctx.body = { error: 'a http(s) url is required' };
      return;
    }
    const code = shortCode(url);
    links.set(code, url);
    ctx.status = 201;
    ctx.body = { code, url };
  });

  router.get('/:code', (ctx) => {
    const url = links.get(ctx.params.code);
    if (!url) ctx.throw(404, 'unknown link');
    ctx.redirect(url);
  });

  app.use(bodyParser());
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

module.exports = { createApp, shortCode };
