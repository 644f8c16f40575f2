'use strict';
// Shared helpers for the test double's own tests (node --test tests/double/).
const path = require('node:path');

const DOUBLE_PATH = path.join(__dirname, '..', 'browser', 'assets', 'deployggb_double.js');
const double = require(DOUBLE_PATH);

/** A fresh API object with no DOM, plus an event log fed by every listener. */
function freshApi(params) {
  const api = double.createApi(params || {});
  const events = [];
  api.registerAddListener((n) => events.push(['add', n]));
  api.registerRemoveListener((n) => events.push(['remove', n]));
  api.registerUpdateListener((n) => events.push(['update', n]));
  api.registerRenameListener((a, b) => events.push(['rename', a, b]));
  api.registerClearListener(() => events.push(['clear']));
  api.registerClientListener((e) => events.push(['client', e.type, e.target]));
  return { api, events };
}

/** Snapshot of everything observable about the construction. */
function state(api) {
  return api.getAllObjectNames().map((n) => [
    n, api.getObjectType(n), api.getValueString(n), api.getCommandString(n), api.getColor(n),
  ]);
}

module.exports = { double, DOUBLE_PATH, freshApi, state };
