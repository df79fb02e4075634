'use strict';

const express = require('express');

function createApp() {
  const app = express();
  const todos = new Map();
  let nextId = 1;

  app.use(express.json());

  app.get('/healthz', (req, res) => {
    res.json({ status: 'ok', todos: todos.size });
  });

  app.get('/todos', (req, res) => {
    res.json([...todos.values()]);
  });

  app.post('/todos', (req, res) => {
    const title = String((req.body && req.body.title) || '').trim();
    if (!title) {
      return res.status(400).json({ error: 'title is required' });
    }
    const todo = { id: nextId++, title, done: false };
    todos.set(todo.id, todo);
    return res.status(201).json(todo);
  });

  app.patch('/todos/:id', (req, res) => {
    const todo = todos.get(Number(req.params.id));
    if (!todo) {
      return res.status(404).json({ error: 'not found' });
    }
    todo.done = Boolean(req.body && req.body.done);
    return res.json(todo);
  });

  return app;
}

module.exports = { createApp };
