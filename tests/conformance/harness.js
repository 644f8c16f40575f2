/*
 * Conformance harness, page side. Loaded on a plain page; builds applets with the
 * product's own loader (frontend/lib/loader.js, which loads the deployggb.js named in the
 * page's query: the real GeoGebra's or the test double's) and runs
 * one probe at a time, recording for each step what came back, what was thrown, which
 * callbacks were called and which listener events fired, all as plain JSON.
 */
(function () {
  'use strict';
  const query = new URLSearchParams(location.search);
  const CODEBASE = query.get('codebase') || '';
  const DEPLOYGGB = query.get('deployggb') || '';
  // The product's own loader (frontend/src/loader.ts, compiled to frontend/lib and
  // served under /product/): the applets are built with exactly the parameters the
  // product uses (disableAutoScale, scale, ggbBase64, appName, ...), not a copy of them.
  const loader = import('/product/loader.js');

  async function build(options) {
    options = options || {};
    const { createApplet } = await loader;
    const host = document.createElement('div');
    // A laid-out host: the loader builds at its size (800x600, as before).
    host.style.width = '800px';
    host.style.height = '600px';
    document.body.appendChild(host);
    const handle = createApplet(host, {
      deployggbUrl: DEPLOYGGB, html5Codebase: CODEBASE,
      appName: options.appName || 'classic', width: 800, height: 600,
      showToolBar: false, showMenuBar: false, showAlgebraInput: false,
      ...(options.ggbBase64 ? { ggbBase64: options.ggbBase64 } : {})
    });
    const api = await handle.ready;
    return { id: handle.id, host, api, handle };
  }

  function discard(applet) {
    try { applet.handle.destroy(); } catch (e) { /* already removed by a step */ }
    applet.host.remove();
  }

  // --- normalizing answers to JSON --------------------------------------------------

  function b64bytes(s, n) {
    try {
      const bin = atob(s.slice(0, Math.ceil(n / 3) * 4 + 4));
      return Array.from(bin.slice(0, n), c => c.charCodeAt(0));
    } catch (e) {
      return null;
    }
  }
  function zipNames(s) {
    // File names of a ZIP's local headers, in order (a .ggb is a ZIP).
    let bin;
    try { bin = atob(s); } catch (e) { return null; }
    const names = [];
    let i = 0;
    while ((i = bin.indexOf('PK\x03\x04', i)) >= 0 && names.length < 50) {
      const u16 = k => bin.charCodeAt(k) | (bin.charCodeAt(k + 1) << 8);
      const nameLen = u16(i + 26);
      names.push(bin.slice(i + 30, i + 30 + nameLen));
      i += 30 + nameLen;
    }
    return names.sort();
  }
  function norm(v, depth) {
    depth = depth || 0;
    if (v === undefined) return { $undefined: true };
    if (v === null) return null;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $num: 'NaN' };
      if (v === Infinity) return { $num: 'Infinity' };
      if (v === -Infinity) return { $num: '-Infinity' };
      if (Object.is(v, -0)) return 0;
      return Number(v.toPrecision(10));
    }
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const png = b64bytes(v, 8);
      if (v.length > 40 && png && png[0] === 0x89 && png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47) {
        return { $png: 'base64 PNG, no data: prefix' };
      }
      if (v.startsWith('data:image/png;base64,')) return { $png: 'data: URI' };
      if (v.length > 40 && v.startsWith('UEsDB')) return { $ggbZip: zipNames(v) };
      if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]/.test(v)) {
        return { $svg: 'SVG text with an <svg> root' };
      }
      if (/^<\?xml[^>]*>\s*<geogebra[\s>]/.test(v)) {
        const doc = new DOMParser().parseFromString(v, 'text/xml');
        const root = doc.documentElement;
        const els = Array.from(doc.querySelectorAll('construction > element'))
          .map(e => e.getAttribute('type') + ' ' + e.getAttribute('label'));
        return { $geogebraXml: { format: root.getAttribute('format'), app: root.getAttribute('app'), elements: els } };
      }
      if (/^<(element|expression|command)[\s>]/.test(v.trim())) {
        const doc = new DOMParser().parseFromString('<r>' + v + '</r>', 'text/xml');
        return { $elementXml: Array.from(doc.querySelectorAll('element')).map(e => e.getAttribute('type') + ' ' + e.getAttribute('label')) };
      }
      return v;
    }
    if (typeof v === 'function') return { $function: true };
    if (depth > 4) return { $deep: true };
    if (Array.isArray(v)) {
      const named = Object.keys(v).filter(k => !/^\d+$/.test(k));
      const items = Array.from(v, x => norm(x, depth + 1));
      if (!named.length) return items;
      const fields = {};
      for (const k of named) fields[k] = norm(v[k], depth + 1);
      return { $array: items, $fields: fields };
    }
    if (typeof v === 'object') {
      if (typeof v.then === 'function') return { $promise: true };
      const out = {};
      for (const k of Object.keys(v)) out[k] = norm(v[k], depth + 1);
      return out;
    }
    return { $type: typeof v };
  }
  function errText(e) {
    const m = e && e.message !== undefined ? e.message : String(e);
    // GeoGebra's compiled code names its exception classes Class$S233 and the like:
    // the number changes with the build, the text after it is the message.
    // So are the property names in its TypeErrors ("reading 'wD'").
    return String(m).replace(/^Class\$\w+: /, '').replace(/\(reading '[^']*'\)/, "(reading …)");
  }

  // --- running one probe --------------------------------------------------------------

  const LISTENERS = ['Add', 'Remove', 'Update', 'Rename', 'Clear', 'Client'];

  function listen(api, events, current) {
    const fns = {};
    for (const kind of LISTENERS) {
      const name = '__conf_' + kind + '_' + Math.random().toString(36).slice(2);
      const fn = function () {
        events.push({ step: current.step, kind: kind.toLowerCase(), args: Array.from(arguments, a => norm(a)) });
      };
      fns[kind] = fn;
      api['register' + kind + 'Listener'](fn);
    }
    return () => {
      for (const kind of LISTENERS) {
        try { api['unregister' + kind + 'Listener'](fns[kind]); } catch (e) { /* gone with the applet */ }
      }
    };
  }

  const sleep = ms => new Promise(r => setTimeout(r, ms));

  async function runStep(api, step, bounds, S) {
    // step: {js, callback?, wait?}. `js` is an expression over `api` (and CB when a
    // callback is passed); `wait` polls an expression until true or the bound.
    const rec = {};
    if (step.wait) {
      const f = new Function('api', 'S', 'return (' + step.wait + ');');
      const end = performance.now() + bounds.wait;
      let ok = false;
      for (;;) {
        try { ok = !!f(api, S); } catch (e) { ok = false; }
        if (ok || performance.now() > end) break;
        await sleep(20);
      }
      rec.became_true = ok;
      return rec;
    }
    const calls = [];
    const CB = function () { calls.push(Array.from(arguments, a => norm(a))); };
    let value;
    try {
      value = new Function('api', 'CB', 'S', 'return (' + step.js + ');')(api, CB, S);
    } catch (e) {
      rec.threw = errText(e);
      return rec;
    }
    if (value && typeof value.then === 'function') {
      rec.returned = { $promise: true };
      const outcome = await Promise.race([
        value.then(v => ({ resolved: norm(v) }), e => ({ rejected: errText(e) })),
        sleep(bounds.promise).then(() => ({ pending: true }))
      ]);
      Object.assign(rec, outcome);
    } else {
      rec.returned = norm(value);
    }
    if (step.callback) {
      const end = performance.now() + bounds.callback;
      while (!calls.length && performance.now() < end) await sleep(20);
      rec.callback_calls = calls.slice();
    }
    return rec;
  }

  // Applets a probe's steps built (S.build): removed with the probe's own.
  const S_OTHERS = [];

  async function runProbe(probe, bounds) {
    const applet = await build(probe.applet);
    const api = applet.api;
    const result = { setup: [], steps: [], events: [] };
    try {
      for (const cmd of probe.setup || []) {
        try {
          result.setup.push(norm(api.evalCommandGetLabels(cmd)));
        } catch (e) {
          result.setup.push({ threw: errText(e) });
        }
      }
      const current = { step: 0 };
      const S = { build: async (o) => { const a = await build(o); S_OTHERS.push(a); return a; },
                  codebase: CODEBASE };
      const stop = listen(api, result.events, current);
      for (let i = 0; i < probe.steps.length; i++) {
        current.step = i;
        result.steps.push(await runStep(api, probe.steps[i], bounds, S));
      }
      // Events that a step caused a little later (asynchronous loads) still count.
      current.step = probe.steps.length;
      await sleep(bounds.settle);
      stop();
    } finally {
      // The loader's destroy: api.remove(), the element and the global go.
      discard(applet);
      for (const other of S_OTHERS.splice(0)) discard(other);
    }
    return result;
  }

  window.__conformance = {
    runProbe,
    version: async () => { const a = await build(); const v = a.api.getVersion(); discard(a); return v; }
  };
})();
