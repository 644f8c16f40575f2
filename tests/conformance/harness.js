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
        const ev = { step: current.step, kind: kind.toLowerCase(), args: Array.from(arguments, a => norm(a)) };
        // While a drag runs, an update also says where the point was when it fired: the
        // number of updates depends on the mouse's steps, their last position does not.
        if (current.dragging && kind === 'Update') {
          try { ev.at = [norm(api.getXcoord(arguments[0])), norm(api.getYcoord(arguments[0]))]; } catch (e) { ev.at = null; }
        }
        events.push(ev);
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

  // The probe between startProbe and finishProbe (a drag probe pauses there while the
  // Python side moves the mouse).
  let pending = null;

  // Page coordinates of GeoGebra point `pt` in the applet's graphics view, from the
  // view's coordinate system in the XML and the canvas's box (as tests/browser/_lab.py).
  function screen(applet, pt) {
    const doc = new DOMParser().parseFromString(applet.api.getXML(), 'text/xml');
    const ev = doc.querySelector('euclidianView');
    const canvas = applet.host.querySelector('canvas');
    if (!ev || !canvas) return null;
    const cs = ev.querySelector('coordSystem'), size = ev.querySelector('size');
    const num = (el, a, d) => el && el.hasAttribute(a) ? Number(el.getAttribute(a)) : d;
    const scale = num(cs, 'scale', 50), yscale = num(cs, 'yscale', scale);
    const width = num(size, 'width', 0), height = num(size, 'height', 0);
    const box = canvas.getBoundingClientRect();
    const kx = width ? box.width / width : 1, ky = height ? box.height / height : 1;
    return [box.left + (num(cs, 'xZero', 0) + pt[0] * scale) * kx,
            box.top + (num(cs, 'yZero', 0) - pt[1] * yscale) * ky];
  }

  async function startProbe(probe, bounds) {
    const applet = await build(probe.applet);
    const api = applet.api;
    const result = { setup: [], steps: [], events: [] };
    pending = { applet, result, probe, stop: null, current: null };
    for (const cmd of probe.setup || []) {
      try {
        result.setup.push(norm(api.evalCommandGetLabels(cmd)));
      } catch (e) {
        result.setup.push({ threw: errText(e) });
      }
    }
    const current = { step: 0, dragging: false };
    pending.current = current;
    const S = { build: async (o) => { const a = await build(o); S_OTHERS.push(a); return a; },
                codebase: CODEBASE };
    pending.stop = listen(api, result.events, current);
    for (let i = 0; i < probe.steps.length; i++) {
      current.step = i;
      result.steps.push(await runStep(api, probe.steps[i], bounds, S));
    }
    current.step = probe.steps.length;
    if (!probe.drag) return null;
    // A drag: its events come after the last step, while the Python side drags.
    current.dragging = true;
    const name = probe.drag[0];
    const start = [api.getXcoord(name), api.getYcoord(name)];
    return { path: [start, ...probe.drag[1]].map(pt => screen(applet, pt)) };
  }

  // The double's stand-in for the mouse (its test hook), on the pending drag probe.
  function doubleDrag() {
    const { applet, probe } = pending;
    applet.api.__double.drag(probe.drag[0], probe.drag[1]);
  }

  // Whether the pending drag probe's point is at the drag's last point.
  function dragDone() {
    const { applet, probe } = pending;
    const name = probe.drag[0], last = probe.drag[1][probe.drag[1].length - 1];
    return Math.abs(applet.api.getXcoord(name) - last[0]) < 1e-6 &&
      Math.abs(applet.api.getYcoord(name) - last[1]) < 1e-6;
  }

  async function finishProbe(bounds) {
    const { applet, result, stop } = pending;
    pending = null;
    try {
      // Events that a step caused a little later (asynchronous loads) still count.
      await sleep(bounds.settle);
      if (stop) stop();
    } finally {
      // The loader's destroy: api.remove(), the element and the global go.
      discard(applet);
      for (const other of S_OTHERS.splice(0)) discard(other);
    }
    return result;
  }

  async function runProbe(probe, bounds) {
    try {
      await startProbe(probe, bounds);
    } catch (e) {
      if (pending) await finishProbe(bounds);
      throw e;
    }
    return finishProbe(bounds);
  }

  window.__conformance = {
    runProbe, startProbe, finishProbe, doubleDrag, dragDone,
    version: async () => { const a = await build(); const v = a.api.getVersion(); discard(a); return v; }
  };
})();
