/*
 * deployggb_double.js -- TEST DOUBLE standing in for GeoGebra's deployggb.js.
 *
 * THIS IS NOT GEOGEBRA and contains no GeoGebra code. ggbmagic's end-to-end
 * tests run in a headless browser without internet, so they route
 * https://www.geogebra.org/apps/deployggb.js to this file. It imitates the
 * documented *surface* of the GeoGebra Apps API (method names, argument
 * orders, return types, listener timing) on top of a deliberately small
 * evaluator, so the product's own code can be exercised end to end.
 * The product never ships this file. DOUBLE.md (next to this file) lists
 * every method and command it implements and where it differs from GeoGebra.
 *
 * Layout: the whole thing is one factory taking the global object, so the
 * evaluator core also runs under plain node (tests/double/*.test.cjs):
 *   const double = require('.../deployggb_double.js');
 *   const api = double.createApi({width: 800, height: 600});
 * In a browser the factory also installs window.GGBApplet and
 * window.__ggbDouble.
 */
(function (root, factory) {
  'use strict';
  var lib = factory(root);
  if (typeof module === 'object' && module && module.exports) {
    module.exports = lib;
  }
  if (root && typeof root.document !== 'undefined') {
    lib.installGlobals(root);
  }
})(typeof globalThis !== 'undefined' ? globalThis : this, function (root) {
  'use strict';

  var DOUBLE_VERSION = '1.0';
  var VERSION_STRING = 'ggbmagic-test-double ' + DOUBLE_VERSION;
  var LOG_PREFIX = '[ggbmagic test double] ';
  // What GeoGebra writes as the library script of a file that has none.
  var DEFAULT_INIT = 'function ggbOnInit() {}';

  // ---------------------------------------------------------------------
  // Errors. EvalError_ means "the command fails"; FreeVar means "an unbound
  // x or y was met", which callers turn into a function or an equation.
  // ---------------------------------------------------------------------
  function EvalError_(msg) { this.message = msg; }
  EvalError_.prototype = Object.create(Error.prototype);
  EvalError_.prototype.name = 'GgbDoubleEvalError';
  function fail(msg) { throw new EvalError_(msg); }
  function FreeVar(name) { this.name = name; this.message = 'free variable ' + name; }

  // ---------------------------------------------------------------------
  // Number formatting. Value strings round to 2 decimals like GeoGebra's
  // default rounding; definitions keep full precision so they round-trip.
  // ---------------------------------------------------------------------
  function fmt(v) {
    if (typeof v !== 'number' || isNaN(v)) return '?';
    if (!isFinite(v)) return v > 0 ? '\u221e' : '-\u221e';
    var r = Math.round(v * 100) / 100;
    if (r === 0) r = 0; // drops -0
    return String(r);
  }
  function numStr(v) {
    if (isNaN(v)) return 'NaN';
    if (v === 0) return '0';
    return String(v);
  }
  var SUPERSCRIPT = { 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075', 6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };

  // ---------------------------------------------------------------------
  // Tokenizer and parser (recursive descent).
  // ---------------------------------------------------------------------
  var ID_RE = /^[A-Za-z\u00C0-\u024F\u0370-\u03FF][A-Za-z0-9\u00C0-\u024F\u0370-\u03FF']*(_\{[^}]*\}|_[A-Za-z0-9]+)?/;
  var NUM_RE = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/;
  var OPS2 = ['==', '!=', '<=', '>=', '&&', '||'];
  var OPS1 = '+-*/^(){},=:<>\u00b0!\u2264\u2265\u2260\u2227\u2228\u00ac';

  function tokenize(src) {
    var s = String(src)
      .replace(/[\u2212\u2013]/g, '-')
      .replace(/[\u00b7\u00d7]/g, '*')
      .replace(/\u00f7/g, '/')
      .replace(/\u00b2/g, '^2')
      .replace(/\u00b3/g, '^3');
    var toks = [];
    var i = 0;
    while (i < s.length) {
      var c = s[i];
      if (/\s/.test(c)) { i++; continue; }
      var space = i > 0 && /\s/.test(s[i - 1]);
      var rest = s.slice(i);
      var m;
      if ((m = NUM_RE.exec(rest))) {
        toks.push({ t: 'num', v: parseFloat(m[0]), space: space });
        i += m[0].length;
        continue;
      }
      if (c === '"') {
        var j = s.indexOf('"', i + 1);
        if (j < 0) fail('unterminated text');
        toks.push({ t: 'str', v: s.slice(i + 1, j), space: space });
        i = j + 1;
        continue;
      }
      if ((m = ID_RE.exec(rest))) {
        toks.push({ t: 'id', v: m[0], space: space });
        i += m[0].length;
        continue;
      }
      var two = s.substr(i, 2);
      if (OPS2.indexOf(two) >= 0) {
        toks.push({ t: 'op', v: two, space: space });
        i += 2;
        continue;
      }
      if (OPS1.indexOf(c) >= 0) {
        toks.push({ t: 'op', v: c, space: space });
        i++;
        continue;
      }
      fail('unexpected character ' + JSON.stringify(c));
    }
    return toks;
  }

  function Parser(tokens) { this.t = tokens; this.p = 0; }
  Parser.prototype.peek = function (k) { return this.t[this.p + (k || 0)]; };
  Parser.prototype.isOp = function (v, k) {
    var tok = this.peek(k);
    return !!tok && tok.t === 'op' && tok.v === v;
  };
  Parser.prototype.next = function () {
    var tok = this.t[this.p++];
    if (!tok) fail('unexpected end of input');
    return tok;
  };
  Parser.prototype.expectOp = function (v) {
    var tok = this.next();
    if (tok.t !== 'op' || tok.v !== v) fail('expected ' + v);
  };
  Parser.prototype.atEnd = function () { return this.p >= this.t.length; };

  // statement := label ':' eqexpr | name '(' params ')' '=' expr
  //            | label '=' eqexpr | eqexpr
  Parser.prototype.parseStatement = function () {
    var t = this.t;
    if (!t.length) fail('empty input');
    var res;
    if (t[0].t === 'id' && this.isOp(':', 1)) {
      this.p = 2;
      res = { label: t[0].v, expr: this.parseEquationOrExpr() };
    } else if (t[0].t === 'id' && this.isOp('(', 1) && !commandName(t[0].v) && this.funcDefAhead()) {
      var params = [];
      this.p = 2;
      while (!this.isOp(')')) {
        params.push(this.next().v);
        if (this.isOp(',')) this.p++;
      }
      this.p += 2; // ')' '='
      res = { label: t[0].v, params: params, expr: this.parseExpr() };
    } else if (t[0].t === 'id' && this.isOp('=', 1) && t[0].v !== 'x' && t[0].v !== 'y') {
      this.p = 2;
      res = { label: t[0].v, expr: this.parseEquationOrExpr() };
    } else {
      res = { label: null, expr: this.parseEquationOrExpr() };
    }
    if (!this.atEnd()) fail('unexpected ' + this.peek().v);
    return res;
  };
  Parser.prototype.funcDefAhead = function () {
    var t = this.t;
    var j = 2;
    var n = 0;
    while (t[j] && t[j].t === 'id') {
      n++;
      j++;
      if (t[j] && t[j].t === 'op' && t[j].v === ',') j++;
      else break;
    }
    return n > 0 && t[j] && t[j].t === 'op' && t[j].v === ')' &&
      t[j + 1] && t[j + 1].t === 'op' && t[j + 1].v === '=';
  };
  Parser.prototype.parseEquationOrExpr = function () {
    var l = this.parseExpr();
    if (this.isOp('=')) {
      this.p++;
      return { k: 'eq', l: l, r: this.parseExpr() };
    }
    return l;
  };
  Parser.prototype.parseExpr = function () { return this.parseOr(); };
  Parser.prototype.parseOr = function () {
    var l = this.parseAnd();
    while (this.isOp('||') || this.isOp('\u2228')) {
      this.p++;
      l = { k: 'bin', op: '||', l: l, r: this.parseAnd() };
    }
    return l;
  };
  Parser.prototype.parseAnd = function () {
    var l = this.parseCmp();
    while (this.isOp('&&') || this.isOp('\u2227')) {
      this.p++;
      l = { k: 'bin', op: '&&', l: l, r: this.parseCmp() };
    }
    return l;
  };
  var CMP = { '<': '<', '>': '>', '<=': '<=', '>=': '>=', '==': '==', '!=': '!=', '\u2264': '<=', '\u2265': '>=', '\u2260': '!=' };
  Parser.prototype.parseCmp = function () {
    var l = this.parseAdd();
    var tok = this.peek();
    if (tok && tok.t === 'op' && CMP[tok.v]) {
      this.p++;
      return { k: 'bin', op: CMP[tok.v], l: l, r: this.parseAdd() };
    }
    return l;
  };
  Parser.prototype.parseAdd = function () {
    var l = this.parseMul();
    while (this.isOp('+') || this.isOp('-')) {
      var op = this.next().v;
      l = { k: 'bin', op: op, l: l, r: this.parseMul() };
    }
    return l;
  };
  Parser.prototype.parseMul = function () {
    var l = this.parseUnary();
    for (;;) {
      if (this.isOp('*') || this.isOp('/')) {
        var op = this.next().v;
        l = { k: 'bin', op: op, l: l, r: this.parseUnary() };
        continue;
      }
      var tok = this.peek();
      // Implicit multiplication: 2x, 3(x + 1), a x
      if (tok && (tok.t === 'num' || tok.t === 'id' || (tok.t === 'op' && tok.v === '('))) {
        l = { k: 'bin', op: '*', l: l, r: this.parsePower() };
        continue;
      }
      return l;
    }
  };
  Parser.prototype.parseUnary = function () {
    if (this.isOp('-')) { this.p++; return { k: 'neg', e: this.parseUnary() }; }
    if (this.isOp('+')) { this.p++; return this.parseUnary(); }
    if (this.isOp('!') || this.isOp('\u00ac')) { this.p++; return { k: 'not', e: this.parseUnary() }; }
    return this.parsePower();
  };
  Parser.prototype.parsePower = function () {
    var base = this.parsePostfix();
    if (this.isOp('^')) {
      this.p++;
      return { k: 'pow', l: base, r: this.parseUnary() };
    }
    return base;
  };
  Parser.prototype.parsePostfix = function () {
    var e = this.parsePrimary();
    while (this.isOp('\u00b0')) { this.p++; e = { k: 'deg', e: e }; }
    return e;
  };
  Parser.prototype.parseArgs = function (close) {
    var args = [];
    if (this.isOp(close)) { this.p++; return args; }
    for (;;) {
      args.push(this.parseEquationOrExpr());
      if (this.isOp(',')) { this.p++; continue; }
      this.expectOp(close);
      return args;
    }
  };
  Parser.prototype.parsePrimary = function () {
    var tok = this.next();
    if (tok.t === 'num') return { k: 'num', v: tok.v };
    if (tok.t === 'str') return { k: 'str', v: tok.v };
    if (tok.t === 'id') {
      var nxt = this.peek();
      var isXY = tok.v === 'x' || tok.v === 'y';
      if (nxt && nxt.t === 'op' && nxt.v === '(' && !(isXY && nxt.space)) {
        this.p++;
        return { k: 'call', name: tok.v, args: this.parseArgs(')') };
      }
      return { k: 'id', name: tok.v };
    }
    if (tok.t === 'op' && tok.v === '(') {
      var first = this.parseExpr();
      if (this.isOp(',')) {
        var items = [first];
        while (this.isOp(',')) { this.p++; items.push(this.parseExpr()); }
        this.expectOp(')');
        return { k: 'tuple', items: items };
      }
      this.expectOp(')');
      return first;
    }
    if (tok.t === 'op' && tok.v === '{') {
      return { k: 'list', items: this.parseArgs('}') };
    }
    fail('unexpected ' + tok.v);
  };

  function parseStatement(src) { return new Parser(tokenize(src)).parseStatement(); }
  function parseExpression(src) {
    var p = new Parser(tokenize(src));
    var e = p.parseEquationOrExpr();
    if (!p.atEnd()) fail('unexpected ' + p.peek().v);
    return e;
  }

  // ---------------------------------------------------------------------
  // Unparser. mode 'def': ASCII, full precision (parses back).
  //           mode 'val': x², 2-decimal numbers (for value strings).
  // ---------------------------------------------------------------------
  var PREC = { '||': 1, '&&': 2, '<': 3, '>': 3, '<=': 3, '>=': 3, '==': 3, '!=': 3, '+': 4, '-': 4, '*': 5, '/': 5 };
  function precOf(n) {
    switch (n.k) {
      case 'bin': return PREC[n.op];
      case 'neg': case 'not': return 6;
      case 'pow': return 7;
      case 'deg': return 8;
      case 'num': return n.v < 0 ? 6 : 9;
      default: return 9;
    }
  }
  function negView(n) {
    if (n.k === 'neg') return n.e;
    if (n.k === 'num' && n.v < 0) return { k: 'num', v: -n.v };
    if (n.k === 'bin' && n.op === '*' && n.l.k === 'num' && n.l.v < 0) {
      return n.l.v === -1 ? n.r : { k: 'bin', op: '*', l: { k: 'num', v: -n.l.v }, r: n.r };
    }
    return null;
  }
  // GeoGebra's own names for some commands, as getCommandString writes them.
  var CANONICAL = { PerpendicularBisector: 'LineBisector', PerpendicularLine: 'OrthogonalLine', FitLine: 'FitLineY' };
  function unparse(n, mode) {
    mode = mode || 'def';
    function u(x) { return unparse(x, mode); }
    function wrap(x, p) { var s = u(x); return precOf(x) < p ? '(' + s + ')' : s; }
    switch (n.k) {
      case 'num': return mode === 'val' ? fmt(n.v) : numStr(n.v);
      case 'str': return '"' + n.v + '"';
      case 'id': return n.name;
      case 'call':
        if (mode === 'cmd') {
          var cn = commandName(n.name);
          return (cn ? CANONICAL[cn] || cn : n.name) + '(' + n.args.map(u).join(', ') + ')';
        }
        return n.name + '(' + n.args.map(u).join(', ') + ')';
      case 'tuple': return '(' + n.items.map(u).join(', ') + ')';
      case 'list': return '{' + n.items.map(u).join(', ') + '}';
      case 'neg': return '-' + wrap(n.e, 5);
      case 'not': return '\u00ac' + wrap(n.e, 7);
      case 'deg': return wrap(n.e, 8) + '\u00b0';
      case 'eq': return u(n.l) + ' = ' + u(n.r);
      case 'pow':
        if ((mode === 'val' || mode === 'cmd') && n.r.k === 'num' && n.r.v >= 0 && n.r.v <= 9 && n.r.v === Math.floor(n.r.v)) {
          return wrap(n.l, 8) + SUPERSCRIPT[n.r.v];
        }
        return wrap(n.l, 8) + '^' + wrap(n.r, 8);
      case 'bin':
        if (n.op === '+') {
          var nv = negView(n.r);
          if (nv) return wrap(n.l, 4) + ' - ' + wrap(nv, 5);
          return wrap(n.l, 4) + ' + ' + wrap(n.r, 4);
        }
        if (n.op === '-') return wrap(n.l, 4) + ' - ' + wrap(n.r, 5);
        if (n.op === '*') {
          var lk = n.l;
          var rk = n.r;
          var implicit = lk.k === 'num' && lk.v >= 0 &&
            (rk.k === 'id' || rk.k === 'call' || (rk.k === 'pow' && (rk.l.k === 'id' || rk.l.k === 'call')));
          if (implicit) return (lk.v === 1 && mode === 'val' ? '' : u(lk)) + u(rk);
          if (mode === 'val' && lk.k === 'num' && lk.v === -1) return '-' + wrap(rk, 7);
          return wrap(lk, 5) + (mode === 'val' ? ' ' : ' * ') + wrap(rk, 6);
        }
        if (n.op === '/') return wrap(n.l, 5) + ' / ' + wrap(n.r, 6);
        return wrap(n.l, PREC[n.op]) + ' ' + n.op + ' ' + wrap(n.r, PREC[n.op] + 1);
      default:
        return '?';
    }
  }

  function walk(n, fn) {
    if (!n || typeof n !== 'object') return;
    fn(n);
    if (n.k === 'call' || n.k === 'fdef') (n.args || []).forEach(function (a) { walk(a, fn); });
    if (n.k === 'fdef') walk(n.body, fn);
    if (n.items) n.items.forEach(function (a) { walk(a, fn); });
    if (n.l) walk(n.l, fn);
    if (n.r) walk(n.r, fn);
    if (n.e) walk(n.e, fn);
  }
  function clone(n) { return JSON.parse(JSON.stringify(n)); }

  // Names referenced by an AST (ids and called names), minus bound variables.
  function referencedNames(n, bound) {
    var out = [];
    function rec(x, b) {
      if (!x || typeof x !== 'object') return;
      switch (x.k) {
        case 'id': if (!b[x.name]) out.push(x.name); return;
        case 'call': {
          if (!b[x.name]) out.push(x.name);
          var canon = commandName(x.name);
          if (canon === 'Sequence' && x.args.length >= 4 && x.args[1].k === 'id') {
            var b2 = Object.assign({}, b);
            b2[x.args[1].name] = true;
            rec(x.args[0], b2);
            for (var i = 2; i < x.args.length; i++) rec(x.args[i], b);
            return;
          }
          x.args.forEach(function (a) { rec(a, b); });
          return;
        }
        case 'fdef': {
          var b3 = Object.assign({}, b);
          x.params.forEach(function (p) { b3[p] = true; });
          rec(x.body, b3);
          return;
        }
        default:
          if (x.items) x.items.forEach(function (a) { rec(a, b); });
          if (x.l) rec(x.l, b);
          if (x.r) rec(x.r, b);
          if (x.e) rec(x.e, b);
      }
    }
    var b0 = {};
    (bound || []).forEach(function (p) { b0[p] = true; });
    rec(n, b0);
    return out;
  }
  function mentions(n, name) {
    var found = false;
    walk(n, function (x) { if (x.k === 'id' && x.name === name) found = true; });
    return found;
  }

  // ---------------------------------------------------------------------
  // Values. Plain objects tagged with t; never mutated after creation.
  // ---------------------------------------------------------------------
  function NUM(v) { return { t: 'number', v: v }; }
  function BOOL(v) { return { t: 'boolean', v: !!v }; }
  function PT(x, y) { return { t: 'point', x: x, y: y }; }
  function VEC(x, y) { return { t: 'vector', x: x, y: y }; }
  function LINE(a, b, c, form) { return { t: 'line', a: a, b: b, c: c, form: form || 'implicit' }; }
  function SEG(p, q) { return { t: 'segment', p: { x: p.x, y: p.y }, q: { x: q.x, y: q.y } }; }
  function CIRCLE(cx, cy, r) { return { t: 'circle', cx: cx, cy: cy, r: r }; }
  function POLY(pts) { return { t: 'polygon', pts: pts.map(function (p) { return { x: p.x, y: p.y }; }) }; }
  function FN(params, body) { return { t: 'function', params: params, body: body }; }
  function LIST(items) { return { t: 'list', items: items }; }
  function TEXT(s) { return { t: 'text', v: String(s) }; }
  function ANGLE(v) { return { t: 'angle', v: v }; }

  var TYPE_NAMES = {
    number: 'numeric', boolean: 'boolean', point: 'point', vector: 'vector', line: 'line',
    segment: 'segment', circle: 'circle', polygon: 'polygon', 'function': 'function',
    list: 'list', text: 'text', angle: 'angle'
  };

  function objectType(v) {
    if (v.t === 'polygon' && v.pts.length === 3) return 'triangle';
    return TYPE_NAMES[v.t];
  }
  function isNumeric(v) { return v && (v.t === 'number' || v.t === 'angle'); }
  function toNum(v, what) {
    if (isNumeric(v)) return v.v;
    fail((what || 'argument') + ' must be a number');
  }
  function isPointLike(v) { return v && (v.t === 'point' || v.t === 'vector'); }
  function isLineLike(v) { return v && (v.t === 'line' || v.t === 'segment'); }
  function segLen(s) { return Math.hypot(s.q.x - s.p.x, s.q.y - s.p.y); }
  function lineThrough(p, q) {
    var a = p.y - q.y;
    var b = q.x - p.x;
    if (a === 0 && b === 0) return LINE(NaN, NaN, NaN);
    return LINE(a, b, a * p.x + b * p.y);
  }
  function lineOf(v) { return v.t === 'line' ? v : lineThrough(v.p, v.q); }
  function polyArea(pts) {
    var s = 0;
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i];
      var q = pts[(i + 1) % pts.length];
      s += p.x * q.y - q.x * p.y;
    }
    return s / 2;
  }
  function polyPerimeter(pts) {
    var s = 0;
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i];
      var q = pts[(i + 1) % pts.length];
      s += Math.hypot(q.x - p.x, q.y - p.y);
    }
    return s;
  }
  function valueDefined(v) {
    switch (v.t) {
      case 'number': case 'angle': return !isNaN(v.v);
      case 'point': case 'vector': return isFinite(v.x) && isFinite(v.y);
      case 'line': return isFinite(v.a) && isFinite(v.b) && isFinite(v.c);
      case 'segment': return isFinite(v.p.x) && isFinite(v.p.y) && isFinite(v.q.x) && isFinite(v.q.y);
      case 'circle': return isFinite(v.cx) && isFinite(v.cy) && isFinite(v.r) && v.r >= 0;
      case 'polygon': return v.pts.every(function (p) { return isFinite(p.x) && isFinite(p.y); });
      case 'list': return !v.undef && v.items.every(valueDefined);
      default: return true;
    }
  }
  // Same type, undefined contents: what a dependent becomes when its inputs
  // make it meaningless (GeoGebra shows such objects as "undefined").
  function undefinedLike(v) {
    switch (v.t) {
      case 'number': return NUM(NaN);
      case 'angle': return ANGLE(NaN);
      case 'point': return PT(NaN, NaN);
      case 'vector': return VEC(NaN, NaN);
      case 'line': return LINE(NaN, NaN, NaN, v.form);
      case 'segment': return SEG(PT(NaN, NaN), PT(NaN, NaN));
      case 'circle': return CIRCLE(NaN, NaN, NaN);
      case 'polygon': return POLY(v.pts.map(function () { return PT(NaN, NaN); }));
      case 'list': return LIST([]);
      default: return v;
    }
  }

  // ---------------------------------------------------------------------
  // Value strings (what getValueString returns after "label = ").
  // ---------------------------------------------------------------------
  function coeffTerm(c, name, first) {
    // One term of "a x + b y" in GeoGebra's style: "-4x", "+ 3y", "x", "- y".
    if (c === 0 || fmt(c) === '0') return '';
    var abs = Math.abs(c);
    var body = (fmt(abs) === '1' ? '' : fmt(abs)) + name;
    if (first) return (c < 0 ? '-' : '') + body;
    return (c < 0 ? ' - ' : ' + ') + body;
  }
  function lineEquation(v) {
    if (!valueDefined(v)) return '?';
    if (v.form === 'explicit' && v.b !== 0) {
      var m = -v.a / v.b;
      var q = v.c / v.b;
      var s = coeffTerm(m, 'x', true);
      if (fmt(q) !== '0') s += s ? (q < 0 ? ' - ' : ' + ') + fmt(Math.abs(q)) : fmt(q);
      return 'y = ' + (s || '0');
    }
    // Axis-parallel lines read "x = 1" / "y = 2", as GeoGebra shows them.
    if (v.b === 0) return 'x = ' + fmt(v.c / v.a);
    if (v.a === 0) return 'y = ' + fmt(v.c / v.b);
    var lhs = coeffTerm(v.a, 'x', true);
    lhs += coeffTerm(v.b, 'y', lhs === '');
    return (lhs || '0') + ' = ' + fmt(v.c);
  }
  function shifted(name, c) {
    if (fmt(c) === '0') return name + '\u00b2';
    return '(' + name + (c > 0 ? ' - ' : ' + ') + fmt(Math.abs(c)) + ')\u00b2';
  }
  function circleEquation(v) {
    if (!valueDefined(v)) return '?';
    return shifted('x', v.cx) + ' + ' + shifted('y', v.cy) + ' = ' + fmt(v.r * v.r);
  }
  function plainValue(v) {
    // The value without a label, as it appears inside lists and texts.
    switch (v.t) {
      case 'number': return fmt(v.v);
      case 'angle': return isFinite(v.v) ? fmt(v.v * 180 / Math.PI) + '\u00b0' : '?';
      case 'boolean': return v.v ? 'true' : 'false';
      case 'point': case 'vector': return valueDefined(v) ? '(' + fmt(v.x) + ', ' + fmt(v.y) + ')' : '?';
      case 'text': return v.v;
      case 'list': return v.undef ? '?' : '{' + v.items.map(plainValue).join(', ') + '}';
      case 'segment': return fmt(segLen(v));
      case 'polygon': return fmt(Math.abs(polyArea(v.pts)));
      case 'line': return lineEquation(v);
      case 'circle': return circleEquation(v);
      case 'function': return unparse(simplify(v.body), 'val');
      default: return '?';
    }
  }
  function valueString(name, v) {
    switch (v.t) {
      case 'text': return v.v;
      case 'line': return name + ': ' + lineEquation(v);
      case 'circle': return name + ': ' + circleEquation(v);
      case 'function': return name + '(' + v.params.join(', ') + ') = ' + plainValue(v);
      default: return name + ' = ' + plainValue(v);
    }
  }

  // Definition text of a free value, parseable by this double (for XML).
  function valueToExp(v) {
    switch (v.t) {
      case 'number': return numStr(v.v);
      case 'angle': return numStr(v.v * 180 / Math.PI) + '\u00b0';
      case 'boolean': return v.v ? 'true' : 'false';
      case 'point': return '(' + numStr(v.x) + ', ' + numStr(v.y) + ')';
      case 'vector': return '(' + numStr(v.x) + ', ' + numStr(v.y) + ')';
      case 'text': return '"' + v.v + '"';
      case 'list': return '{' + v.items.map(valueToExp).join(', ') + '}';
      case 'function': return unparse(v.body, 'def');
      case 'line':
        if (v.form === 'explicit' && v.b !== 0) return 'y = (' + numStr(-v.a / v.b) + ') * x + (' + numStr(v.c / v.b) + ')';
        return '(' + numStr(v.a) + ') * x + (' + numStr(v.b) + ') * y = ' + numStr(v.c);
      case 'circle': return '(x - (' + numStr(v.cx) + '))^2 + (y - (' + numStr(v.cy) + '))^2 = ' + numStr(v.r * v.r);
      default: fail('cannot write ' + v.t);
    }
  }

  // ---------------------------------------------------------------------
  // Symbolic helpers: simplification and derivative.
  // ---------------------------------------------------------------------
  function N(v) { return { k: 'num', v: v }; }
  function B(op, l, r) { return { k: 'bin', op: op, l: l, r: r }; }
  function isN(n, v) { return n.k === 'num' && (v === undefined || n.v === v); }
  function simplify(n) {
    switch (n.k) {
      case 'neg': {
        var e = simplify(n.e);
        if (isN(e)) return N(-e.v);
        if (e.k === 'neg') return e.e;
        return { k: 'neg', e: e };
      }
      case 'pow': {
        var l = simplify(n.l);
        var r = simplify(n.r);
        if (isN(l) && isN(r)) return N(Math.pow(l.v, r.v));
        if (isN(r, 1)) return l;
        if (isN(r, 0)) return N(1);
        return { k: 'pow', l: l, r: r };
      }
      case 'call': return { k: 'call', name: n.name, args: n.args.map(simplify) };
      case 'bin': {
        var a = simplify(n.l);
        var b = simplify(n.r);
        var op = n.op;
        if (isN(a) && isN(b) && '+-*/'.indexOf(op) >= 0) {
          return N(op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : op === '*' ? a.v * b.v : a.v / b.v);
        }
        if (op === '+') {
          if (isN(a, 0)) return b;
          if (isN(b, 0)) return a;
          if (b.k === 'neg') return simplify(B('-', a, b.e));
        }
        if (op === '-') {
          if (isN(b, 0)) return a;
          if (isN(a, 0)) return simplify({ k: 'neg', e: b });
          if (isN(b) && b.v < 0) return B('+', a, N(-b.v));
        }
        if (op === '*') {
          if (isN(a, 0) || isN(b, 0)) return N(0);
          if (isN(a, 1)) return b;
          if (isN(b, 1)) return a;
          if (isN(b) && !isN(a)) return simplify(B('*', b, a));
          if (isN(a) && b.k === 'bin' && b.op === '*' && isN(b.l)) return simplify(B('*', N(a.v * b.l.v), b.r));
          if (isN(a) && b.k === 'neg') return simplify(B('*', N(-a.v), b.e));
          if (isN(a, -1)) return { k: 'neg', e: b };
        }
        if (op === '/') {
          if (isN(b, 1)) return a;
          if (isN(a, 0)) return N(0);
        }
        return B(op, a, b);
      }
      default: return n;
    }
  }
  function derive(n, v) {
    if (!mentions(n, v)) return N(0);
    switch (n.k) {
      case 'id': return N(n.name === v ? 1 : 0);
      case 'neg': return { k: 'neg', e: derive(n.e, v) };
      case 'bin':
        if (n.op === '+' || n.op === '-') return B(n.op, derive(n.l, v), derive(n.r, v));
        if (n.op === '*') return B('+', B('*', derive(n.l, v), n.r), B('*', n.l, derive(n.r, v)));
        if (n.op === '/') {
          return B('/', B('-', B('*', derive(n.l, v), n.r), B('*', n.l, derive(n.r, v))), { k: 'pow', l: n.r, r: N(2) });
        }
        break;
      case 'pow':
        if (!mentions(n.r, v)) {
          return B('*', B('*', n.r, { k: 'pow', l: n.l, r: B('-', n.r, N(1)) }), derive(n.l, v));
        }
        return B('*', n, B('+', B('*', derive(n.r, v), { k: 'call', name: 'ln', args: [n.l] }),
          B('/', B('*', n.r, derive(n.l, v)), n.l)));
      case 'call': {
        if (n.args.length !== 1) break;
        var u = n.args[0];
        var du = derive(u, v);
        var f = n.name.toLowerCase();
        var C = function (name, arg) { return { k: 'call', name: name, args: [arg] }; };
        if (f === 'sin') return B('*', C('cos', u), du);
        if (f === 'cos') return B('*', { k: 'neg', e: C('sin', u) }, du);
        if (f === 'tan') return B('/', du, { k: 'pow', l: C('cos', u), r: N(2) });
        if (f === 'exp') return B('*', C('exp', u), du);
        if (f === 'ln' || f === 'log') return B('/', du, u);
        if (f === 'sqrt') return B('/', du, B('*', N(2), C('sqrt', u)));
        break;
      }
    }
    fail('Derivative: unsupported expression ' + unparse(n));
  }

  // ---------------------------------------------------------------------
  // Evaluation.
  // ---------------------------------------------------------------------
  var MATH1 = {
    sqrt: Math.sqrt, abs: Math.abs, sin: Math.sin, cos: Math.cos, tan: Math.tan,
    asin: Math.asin, acos: Math.acos, atan: Math.atan, arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan,
    exp: Math.exp, ln: Math.log, log: Math.log, lg: Math.log10, ld: Math.log2,
    floor: Math.floor, ceil: Math.ceil, sgn: Math.sign, sign: Math.sign,
    round: function (x) { return Math.round(x); }
  };
  var RESERVED = { x: 1, y: 1, z: 1, pi: 1, '\u03c0': 1, 'true': 1, 'false': 1 };

  function Ctx(con, locals, overrides) {
    this.con = con;
    this.locals = locals || {};
    this.overrides = overrides || null;
  }
  Ctx.prototype.withLocals = function (extra) {
    return new Ctx(this.con, Object.assign({}, this.locals, extra), this.overrides);
  };
  Ctx.prototype.lookup = function (name) {
    if (this.overrides && Object.prototype.hasOwnProperty.call(this.overrides, name)) return this.overrides[name];
    var g = this.con.geos.get(name);
    return g ? g.value : undefined;
  };

  function ev(n, ctx) {
    switch (n.k) {
      case 'num': return NUM(n.v);
      case 'str': return TEXT(n.v);
      case 'id': {
        var name = n.name;
        if (Object.prototype.hasOwnProperty.call(ctx.locals, name)) return ctx.locals[name];
        var v = ctx.lookup(name);
        if (v) return v;
        if (name === 'pi' || name === '\u03c0') return NUM(Math.PI);
        if (name === 'e') return NUM(Math.E);
        if (name === 'true') return BOOL(true);
        if (name === 'false') return BOOL(false);
        if (name === 'x' || name === 'y') throw new FreeVar(name);
        fail('Undefined variable ' + name);
      }
      case 'neg': {
        var a = ev(n.e, ctx);
        if (a.t === 'number') return NUM(-a.v);
        if (a.t === 'angle') return ANGLE(-a.v);
        if (a.t === 'point') return PT(-a.x, -a.y);
        if (a.t === 'vector') return VEC(-a.x, -a.y);
        if (a.t === 'list') return LIST(a.items.map(function (it) { return ev({ k: 'neg', e: { k: 'val', v: it } }, ctx); }));
        fail('cannot negate ' + a.t);
      }
      case 'val': return n.v; // internal: an already evaluated value
      case 'not': {
        var b = ev(n.e, ctx);
        if (b.t !== 'boolean') fail('not needs a boolean');
        return BOOL(!b.v);
      }
      case 'deg': return ANGLE(toNum(ev(n.e, ctx)) * Math.PI / 180);
      case 'tuple': {
        if (n.items.length !== 2) fail('only 2D points are supported');
        return PT(toNum(ev(n.items[0], ctx), 'coordinate'), toNum(ev(n.items[1], ctx), 'coordinate'));
      }
      case 'list': return LIST(n.items.map(function (it) { return evalArg(it, ctx); }));
      case 'pow': return arith('^', ev(n.l, ctx), ev(n.r, ctx));
      case 'bin': return arith(n.op, ev(n.l, ctx), ev(n.r, ctx));
      case 'call': return callNode(n, ctx);
      case 'eq': return equationValue(n, ctx);
      default: fail('cannot evaluate ' + n.k);
    }
  }

  function arith(op, a, b) {
    if (a.t === 'list' || b.t === 'list') {
      if (a.t === 'list' && b.t === 'list') {
        if (a.items.length !== b.items.length) fail('lists of different lengths');
        return LIST(a.items.map(function (x, i) { return arith(op, x, b.items[i]); }));
      }
      if (a.t === 'list') return LIST(a.items.map(function (x) { return arith(op, x, b); }));
      return LIST(b.items.map(function (y) { return arith(op, a, y); }));
    }
    if (op === '+' && (a.t === 'text' || b.t === 'text')) {
      return TEXT((a.t === 'text' ? a.v : plainValue(a)) + (b.t === 'text' ? b.v : plainValue(b)));
    }
    if (op === '&&' || op === '||') {
      if (a.t !== 'boolean' || b.t !== 'boolean') fail(op + ' needs booleans');
      return BOOL(op === '&&' ? a.v && b.v : a.v || b.v);
    }
    if (isNumeric(a) && isNumeric(b)) {
      var x = a.v;
      var y = b.v;
      switch (op) {
        case '+': return (a.t === 'angle' && b.t === 'angle') ? ANGLE(x + y) : NUM(x + y);
        case '-': return (a.t === 'angle' && b.t === 'angle') ? ANGLE(x - y) : NUM(x - y);
        case '*': return (a.t === 'angle') !== (b.t === 'angle') ? ANGLE(x * y) : NUM(x * y);
        case '/': return NUM(x / y);
        case '^': return NUM(Math.pow(x, y));
        case '<': return BOOL(x < y);
        case '>': return BOOL(x > y);
        case '<=': return BOOL(x <= y);
        case '>=': return BOOL(x >= y);
        case '==': return BOOL(Math.abs(x - y) < 1e-9);
        case '!=': return BOOL(Math.abs(x - y) >= 1e-9);
      }
    }
    if (isPointLike(a) && isPointLike(b)) {
      var kind = (a.t === 'vector' && b.t === 'vector') ? VEC : PT;
      if (op === '+') return kind(a.x + b.x, a.y + b.y);
      if (op === '-') return kind(a.x - b.x, a.y - b.y);
      if (op === '*') return NUM(a.x * b.x + a.y * b.y);
      if (op === '==') return BOOL(Math.abs(a.x - b.x) < 1e-9 && Math.abs(a.y - b.y) < 1e-9);
      if (op === '!=') return BOOL(!(Math.abs(a.x - b.x) < 1e-9 && Math.abs(a.y - b.y) < 1e-9));
    }
    if (isPointLike(a) && isNumeric(b)) {
      var k1 = a.t === 'vector' ? VEC : PT;
      if (op === '*') return k1(a.x * b.v, a.y * b.v);
      if (op === '/') return k1(a.x / b.v, a.y / b.v);
    }
    if (isNumeric(a) && isPointLike(b) && op === '*') {
      return (b.t === 'vector' ? VEC : PT)(a.v * b.x, a.v * b.y);
    }
    if (a.t === 'boolean' && b.t === 'boolean' && (op === '==' || op === '!=')) {
      return BOOL((a.v === b.v) === (op === '=='));
    }
    fail('cannot apply ' + op + ' to ' + a.t + ' and ' + b.t);
  }

  // Evaluate a command argument; an expression in x becomes a function,
  // an equation becomes a line or circle (as GeoGebra's input bar does).
  function evalArg(n, ctx) {
    try {
      return ev(n, ctx);
    } catch (e) {
      if (e instanceof FreeVar && e.name === 'x') return makeFunction(['x'], n, ctx);
      throw e;
    }
  }
  function makeFunction(params, body, ctx) {
    var locals = {};
    params.forEach(function (p) { locals[p] = NUM(0.5); });
    var r;
    try {
      r = ev(body, ctx.withLocals(locals));
    } catch (e) {
      if (e instanceof FreeVar) fail('free variable ' + e.name + ' in function');
      throw e;
    }
    if (!isNumeric(r)) fail('function must give a number');
    return FN(params, body);
  }
  function callFunction(fv, nums, ctx) {
    if (nums.length !== fv.params.length) fail('wrong number of arguments');
    var locals = {};
    fv.params.forEach(function (p, i) { locals[p] = NUM(nums[i]); });
    var r = ev(fv.body, ctx.withLocals(locals));
    if (!isNumeric(r)) fail('function must give a number');
    return r.v;
  }
  function fnOf(fv, ctx) {
    return function (x) { return callFunction(fv, [x], ctx); };
  }
  function equationValue(n, ctx) {
    var F = function (x, y) {
      var l = toNum(ev(n.l, ctx.withLocals({ x: NUM(x), y: NUM(y) })));
      var r = toNum(ev(n.r, ctx.withLocals({ x: NUM(x), y: NUM(y) })));
      return l - r;
    };
    var c0 = F(0, 0);
    var fx1 = F(1, 0);
    var fy1 = F(0, 1);
    var a = fx1 - c0;
    var b = fy1 - c0;
    var close = function (u, v) { return Math.abs(u - v) <= 1e-9 * Math.max(1, Math.abs(u), Math.abs(v)); };
    var linear = close(F(2, 3), c0 + 2 * a + 3 * b) && close(F(-1.5, 0.7), c0 - 1.5 * a + 0.7 * b);
    if (linear) {
      if (a === 0 && b === 0) fail('not an equation of a line');
      var explicit = n.l.k === 'id' && n.l.name === 'y' && !mentions(n.r, 'y');
      return LINE(a, b, -c0, explicit ? 'explicit' : 'implicit');
    }
    // x² + y² type: F = A(x² + y²) + Dx + Ey + c0
    var fxm = F(-1, 0);
    var fym = F(0, -1);
    var Ax = (fx1 + fxm) / 2 - c0;
    var Ay = (fy1 + fym) / 2 - c0;
    var D = (fx1 - fxm) / 2;
    var E = (fy1 - fym) / 2;
    var Q = function (x, y) { return Ax * (x * x + y * y) + D * x + E * y + c0; };
    if (Ax !== 0 && close(Ax, Ay) && close(F(1, 1), Q(1, 1)) && close(F(-2, 3), Q(-2, 3)) && close(F(0.3, -1.7), Q(0.3, -1.7))) {
      var cx = -D / (2 * Ax);
      var cy = -E / (2 * Ax);
      var r2 = cx * cx + cy * cy - c0 / Ax;
      if (r2 < 0) fail('imaginary circle');
      return CIRCLE(cx, cy, Math.sqrt(r2));
    }
    fail('unsupported equation (the double knows lines and circles only)');
  }

  function callNode(n, ctx) {
    var name = n.name;
    var obj = Object.prototype.hasOwnProperty.call(ctx.locals, name) ? ctx.locals[name] : ctx.lookup(name);
    if (obj) {
      if (obj.t === 'function') {
        var nums = n.args.map(function (a) { return toNum(ev(a, ctx)); });
        return NUM(callFunction(obj, nums, ctx));
      }
      if (isNumeric(obj) && n.args.length === 1) return arith('*', obj, ev(n.args[0], ctx));
      if (obj.t === 'list' && n.args.length === 1) return listElement(obj, toNum(ev(n.args[0], ctx)));
      fail(name + ' is not a function');
    }
    if ((name === 'x' || name === 'y') && n.args.length === 1) {
      var p = ev(n.args[0], ctx);
      if (!isPointLike(p)) fail(name + '() needs a point or vector');
      return NUM(name === 'x' ? p.x : p.y);
    }
    var lower = name.toLowerCase();
    if (MATH1[lower] && (n.args.length === 1 || (lower === 'round' && n.args.length === 2))) {
      var arg = ev(n.args[0], ctx);
      var digits = n.args.length === 2 ? toNum(ev(n.args[1], ctx)) : 0;
      var apply = function (v) {
        if (lower === 'round' && digits) {
          var f = Math.pow(10, digits);
          return NUM(Math.round(toNum(v) * f) / f);
        }
        return NUM(MATH1[lower](toNum(v)));
      };
      if (arg.t === 'list') return LIST(arg.items.map(apply));
      return apply(arg);
    }
    var canon = commandName(name);
    if (!canon) fail('Unknown command ' + name);
    var spec = COMMANDS[canon];
    if (spec.raw) return spec.fn(n.args, ctx, n);
    var args = n.args.map(function (a) { return evalArg(a, ctx); });
    return spec.fn(args, ctx, n);
  }

  // ---------------------------------------------------------------------
  // Commands. Argument orders follow the GeoGebra manual.
  // ---------------------------------------------------------------------
  function argc(args, lo, hi) {
    if (args.length < lo || args.length > (hi === undefined ? lo : hi)) fail('wrong number of arguments');
  }
  function types(args) { return args.map(function (a) { return a.t; }).join(','); }
  function ptArg(v) { if (v.t !== 'point') fail('point expected'); return v; }
  function listNums(v) {
    if (v.t !== 'list') fail('list expected');
    return v.items.map(function (it) { return toNum(it, 'list element'); });
  }
  function listPoints(v) {
    if (v.t !== 'list') fail('list expected');
    return v.items.map(ptArg);
  }
  function listElement(list, i) {
    if (i !== Math.floor(i)) fail('index must be an integer');
    var it = list.items[i - 1];
    if (!it) return list.items.length ? undefinedLike(list.items[0]) : NUM(NaN);
    return it;
  }
  function distPointSeg(p, s) {
    var dx = s.q.x - s.p.x;
    var dy = s.q.y - s.p.y;
    var L = dx * dx + dy * dy;
    var t = L === 0 ? 0 : ((p.x - s.p.x) * dx + (p.y - s.p.y) * dy) / L;
    t = Math.max(0, Math.min(1, t));
    return Math.hypot(p.x - (s.p.x + t * dx), p.y - (s.p.y + t * dy));
  }
  function distPointLine(p, l) { return Math.abs(l.a * p.x + l.b * p.y - l.c) / Math.hypot(l.a, l.b); }
  function circumcenter(A, B, C) {
    var d = 2 * (A.x * (B.y - C.y) + B.x * (C.y - A.y) + C.x * (A.y - B.y));
    var a2 = A.x * A.x + A.y * A.y;
    var b2 = B.x * B.x + B.y * B.y;
    var c2 = C.x * C.x + C.y * C.y;
    if (d === 0) return PT(NaN, NaN);
    return PT((a2 * (B.y - C.y) + b2 * (C.y - A.y) + c2 * (A.y - B.y)) / d,
      (a2 * (C.x - B.x) + b2 * (A.x - C.x) + c2 * (B.x - A.x)) / d);
  }
  function angleBetween(ux, uy, vx, vy) {
    if ((ux === 0 && uy === 0) || (vx === 0 && vy === 0)) return NaN;
    var t = Math.atan2(vy, vx) - Math.atan2(uy, ux);
    while (t < 0) t += 2 * Math.PI;
    while (t >= 2 * Math.PI) t -= 2 * Math.PI;
    return t;
  }
  function action(run) { return { t: 'action', run: run }; }
  function objArg(node, ctx) {
    if (!node || node.k !== 'id' || !ctx.con.geos.has(node.name)) fail('first argument must be an existing object');
    return node.name;
  }
  var NAMED_COLORS = {
    black: [0, 0, 0], white: [255, 255, 255], red: [255, 0, 0], green: [0, 128, 0], lime: [0, 255, 0],
    blue: [0, 0, 255], yellow: [255, 255, 0], cyan: [0, 255, 255], aqua: [0, 255, 255], magenta: [255, 0, 255],
    orange: [255, 127, 0], purple: [128, 0, 128], violet: [127, 0, 255], brown: [153, 51, 0], pink: [255, 192, 203],
    gray: [128, 128, 128], grey: [128, 128, 128], darkgray: [64, 64, 64], lightgray: [192, 192, 192],
    darkblue: [0, 0, 128], darkgreen: [0, 100, 0], maroon: [128, 0, 0], gold: [255, 215, 0], silver: [192, 192, 192],
    turquoise: [64, 224, 208], indigo: [75, 0, 130], crimson: [220, 20, 60], lightblue: [173, 216, 230]
  };
  function parseColor(s) {
    var key = String(s).toLowerCase().replace(/\s+/g, '');
    if (NAMED_COLORS[key]) return NAMED_COLORS[key].slice();
    var m = /^#?([0-9a-f]{6})$/i.exec(key);
    if (m) return [parseInt(m[1].slice(0, 2), 16), parseInt(m[1].slice(2, 4), 16), parseInt(m[1].slice(4, 6), 16)];
    return null;
  }
  function integrate(f, a, b) {
    function adapt(a0, b0, fa, fb, fc, whole, eps, depth) {
      var c = (a0 + b0) / 2;
      var d = (a0 + c) / 2;
      var e = (c + b0) / 2;
      var fd = f(d);
      var fe = f(e);
      var left = (c - a0) / 6 * (fa + 4 * fd + fc);
      var right = (b0 - c) / 6 * (fc + 4 * fe + fb);
      if (depth <= 0 || Math.abs(left + right - whole) <= 15 * eps) return left + right + (left + right - whole) / 15;
      return adapt(a0, c, fa, fc, fd, left, eps / 2, depth - 1) + adapt(c, b0, fc, fb, fe, right, eps / 2, depth - 1);
    }
    if (a === b) return 0;
    var fa = f(a);
    var fb = f(b);
    var fc = f((a + b) / 2);
    return adapt(a, b, fa, fb, fc, (b - a) / 6 * (fa + 4 * fc + fb), 1e-10, 18);
  }
  function inlineFunctions(n, ctx, depth) {
    if ((depth || 0) > 20) fail('function nesting too deep');
    if (n.k === 'call') {
      var fv = Object.prototype.hasOwnProperty.call(ctx.locals, n.name) ? null : ctx.lookup(n.name);
      var args = n.args.map(function (a) { return inlineFunctions(a, ctx, depth); });
      if (fv && fv.t === 'function' && args.length === fv.params.length) {
        var body = clone(fv.body);
        var sub = function (x) {
          if (x.k === 'id') {
            var i = fv.params.indexOf(x.name);
            return i >= 0 ? clone(args[i]) : x;
          }
          var y = Object.assign({}, x);
          if (y.args) y.args = y.args.map(sub);
          if (y.items) y.items = y.items.map(sub);
          if (y.l) y.l = sub(y.l);
          if (y.r) y.r = sub(y.r);
          if (y.e) y.e = sub(y.e);
          return y;
        };
        return inlineFunctions(sub(body), ctx, (depth || 0) + 1);
      }
      return { k: 'call', name: n.name, args: args };
    }
    var out = Object.assign({}, n);
    if (out.items) out.items = out.items.map(function (a) { return inlineFunctions(a, ctx, depth); });
    if (out.l) out.l = inlineFunctions(out.l, ctx, depth);
    if (out.r) out.r = inlineFunctions(out.r, ctx, depth);
    if (out.e) out.e = inlineFunctions(out.e, ctx, depth);
    return out;
  }

  // Commands that need the CAS, as the real webSimple bundle (no CAS) answers them
  // (conformance rows "no CAS: …"): Solve and its kin make an undefined list; Factor,
  // Simplify, Expand give their function back unchanged.
  function undefinedList() { return { t: 'list', items: [], undef: true }; }
  function noCasSolve(args) { argc(args, 1, 2); return undefinedList(); }
  function noCasSame(a) {
    argc(a, 1);
    if (a[0].t !== 'function') fail('needs a function');
    return a[0];
  }
  var COMMANDS = {
    Solve: { raw: true, fn: noCasSolve },
    NSolve: { raw: true, fn: noCasSolve },
    Solutions: { raw: true, fn: noCasSolve },
    Factor: { fn: noCasSame },
    Simplify: { fn: noCasSame },
    Expand: { fn: noCasSame },
    Distance: { fn: function (a) {
      argc(a, 2);
      var s = types(a);
      if (s === 'point,point') return NUM(Math.hypot(a[0].x - a[1].x, a[0].y - a[1].y));
      if (s === 'point,line') return NUM(distPointLine(a[0], a[1]));
      if (s === 'line,point') return NUM(distPointLine(a[1], a[0]));
      if (s === 'point,segment') return NUM(distPointSeg(a[0], a[1]));
      if (s === 'segment,point') return NUM(distPointSeg(a[1], a[0]));
      fail('Distance: wrong argument types');
    } },
    Segment: { fn: function (a) {
      argc(a, 2, 3);
      if (a.length === 3 && a[2].t !== 'polygon') fail('Segment: the third argument is the polygon');
      return SEG(ptArg(a[0]), ptArg(a[1]));
    } },
    Line: { fn: function (a) {
      argc(a, 2);
      var p = ptArg(a[0]);
      if (a[1].t === 'point') return lineThrough(p, a[1]);
      if (isLineLike(a[1])) { var l = lineOf(a[1]); return LINE(l.a, l.b, l.a * p.x + l.b * p.y); }
      if (a[1].t === 'vector') return LINE(-a[1].y, a[1].x, -a[1].y * p.x + a[1].x * p.y);
      fail('Line: wrong argument types');
    } },
    Midpoint: { fn: function (a) {
      argc(a, 1, 2);
      if (a.length === 1) {
        if (a[0].t === 'segment') return PT((a[0].p.x + a[0].q.x) / 2, (a[0].p.y + a[0].q.y) / 2);
        if (a[0].t === 'circle') return PT(a[0].cx, a[0].cy);
        fail('Midpoint: wrong argument type');
      }
      var p = ptArg(a[0]);
      var q = ptArg(a[1]);
      return PT((p.x + q.x) / 2, (p.y + q.y) / 2);
    } },
    Polygon: { fn: function (a) {
      var pts = a.length === 1 ? listPoints(a[0]) : a.map(ptArg);
      if (pts.length < 3) fail('Polygon needs at least 3 points');
      return POLY(pts);
    } },
    Area: { fn: function (a) {
      if (a.length === 1 && a[0].t === 'polygon') return NUM(Math.abs(polyArea(a[0].pts)));
      if (a.length === 1 && a[0].t === 'circle') return NUM(Math.PI * a[0].r * a[0].r);
      if (a.length >= 3) return NUM(Math.abs(polyArea(a.map(ptArg))));
      fail('Area: wrong argument types');
    } },
    Perimeter: { fn: function (a) {
      argc(a, 1);
      if (a[0].t === 'polygon') return NUM(polyPerimeter(a[0].pts));
      if (a[0].t === 'circle') return NUM(2 * Math.PI * a[0].r);
      fail('Perimeter: wrong argument type');
    } },
    Circle: { fn: function (a) {
      argc(a, 2, 3);
      var c = ptArg(a[0]);
      if (a.length === 3) return (function () {
        var o = circumcenter(c, ptArg(a[1]), ptArg(a[2]));
        return CIRCLE(o.x, o.y, Math.hypot(o.x - c.x, o.y - c.y));
      })();
      if (isNumeric(a[1])) return CIRCLE(c.x, c.y, a[1].v < 0 ? NaN : a[1].v);
      if (a[1].t === 'segment') return CIRCLE(c.x, c.y, segLen(a[1]));
      if (a[1].t === 'point') return CIRCLE(c.x, c.y, Math.hypot(a[1].x - c.x, a[1].y - c.y));
      fail('Circle: wrong argument types');
    } },
    Centroid: { fn: function (a) {
      argc(a, 1);
      if (a[0].t !== 'polygon') fail('Centroid needs a polygon');
      var pts = a[0].pts;
      var A = polyArea(pts);
      var cx = 0;
      var cy = 0;
      if (A === 0) {
        pts.forEach(function (p) { cx += p.x; cy += p.y; });
        return PT(cx / pts.length, cy / pts.length);
      }
      for (var i = 0; i < pts.length; i++) {
        var p = pts[i];
        var q = pts[(i + 1) % pts.length];
        var cr = p.x * q.y - q.x * p.y;
        cx += (p.x + q.x) * cr;
        cy += (p.y + q.y) * cr;
      }
      return PT(cx / (6 * A), cy / (6 * A));
    } },
    TriangleCenter: { fn: function (a) {
      argc(a, 4);
      var A = ptArg(a[0]);
      var B = ptArg(a[1]);
      var C = ptArg(a[2]);
      var n = toNum(a[3], 'index');
      var la = Math.hypot(B.x - C.x, B.y - C.y);
      var lb = Math.hypot(C.x - A.x, C.y - A.y);
      var lc = Math.hypot(A.x - B.x, A.y - B.y);
      var O = circumcenter(A, B, C);
      var H = PT(A.x + B.x + C.x - 2 * O.x, A.y + B.y + C.y - 2 * O.y);
      switch (n) {
        case 1: var s = la + lb + lc; return PT((la * A.x + lb * B.x + lc * C.x) / s, (la * A.y + lb * B.y + lc * C.y) / s);
        case 2: return PT((A.x + B.x + C.x) / 3, (A.y + B.y + C.y) / 3);
        case 3: return O;
        case 4: return H;
        case 5: return PT((O.x + H.x) / 2, (O.y + H.y) / 2);
      }
      fail('TriangleCenter: the double knows n = 1..5 only');
    } },
    Intersect: { fn: function (a) {
      argc(a, 2);
      if (!isLineLike(a[0]) || !isLineLike(a[1])) fail('Intersect: the double intersects lines and segments only');
      var l = lineOf(a[0]);
      var m = lineOf(a[1]);
      var det = l.a * m.b - l.b * m.a;
      if (Math.abs(det) < 1e-12) return PT(NaN, NaN);
      var x = (l.c * m.b - l.b * m.c) / det;
      var y = (l.a * m.c - l.c * m.a) / det;
      var onSeg = function (s) {
        var dx = s.q.x - s.p.x;
        var dy = s.q.y - s.p.y;
        var L = dx * dx + dy * dy;
        var t = L === 0 ? 0 : ((x - s.p.x) * dx + (y - s.p.y) * dy) / L;
        return t >= -1e-9 && t <= 1 + 1e-9;
      };
      if ((a[0].t === 'segment' && !onSeg(a[0])) || (a[1].t === 'segment' && !onSeg(a[1]))) return PT(NaN, NaN);
      return PT(x, y);
    } },
    PerpendicularBisector: { fn: function (a) {
      argc(a, 1, 2);
      var p;
      var q;
      if (a.length === 1) {
        if (a[0].t !== 'segment') fail('PerpendicularBisector needs a segment or two points');
        p = a[0].p; q = a[0].q;
      } else { p = ptArg(a[0]); q = ptArg(a[1]); }
      var A = q.x - p.x;
      var Bc = q.y - p.y;
      if (A === 0 && Bc === 0) return LINE(NaN, NaN, NaN);
      return LINE(A, Bc, A * (p.x + q.x) / 2 + Bc * (p.y + q.y) / 2);
    } },
    PerpendicularLine: { fn: function (a) {
      argc(a, 2);
      var p = ptArg(a[0]);
      var nx;
      var ny;
      if (isLineLike(a[1])) { var l = lineOf(a[1]); nx = -l.b; ny = l.a; }
      else if (a[1].t === 'vector') { nx = a[1].x; ny = a[1].y; }
      else fail('PerpendicularLine: wrong argument types');
      return LINE(nx, ny, nx * p.x + ny * p.y);
    } },
    Slope: { fn: function (a) {
      argc(a, 1);
      if (!isLineLike(a[0])) fail('Slope needs a line');
      var l = lineOf(a[0]);
      return NUM(l.b === 0 ? NaN : -l.a / l.b);
    } },
    Angle: { fn: function (a) {
      if (a.length === 3) {
        var A = ptArg(a[0]);
        var B = ptArg(a[1]);
        var C = ptArg(a[2]);
        return ANGLE(angleBetween(A.x - B.x, A.y - B.y, C.x - B.x, C.y - B.y));
      }
      if (a.length === 2 && a[0].t === 'vector' && a[1].t === 'vector') return ANGLE(angleBetween(a[0].x, a[0].y, a[1].x, a[1].y));
      if (a.length === 2 && a[0].t === 'line' && a[1].t === 'line') return ANGLE(angleBetween(a[0].b, -a[0].a, a[1].b, -a[1].a));
      if (a.length === 1 && isPointLike(a[0])) return ANGLE(angleBetween(1, 0, a[0].x, a[0].y));
      if (a.length === 1 && isNumeric(a[0])) {
        var t = a[0].v % (2 * Math.PI);
        return ANGLE(t < 0 ? t + 2 * Math.PI : t);
      }
      fail('Angle: wrong argument types');
    } },
    Vector: { fn: function (a) {
      argc(a, 1, 2);
      if (a.length === 1) { if (!isPointLike(a[0])) fail('Vector needs a point'); return VEC(a[0].x, a[0].y); }
      var p = ptArg(a[0]);
      var q = ptArg(a[1]);
      return VEC(q.x - p.x, q.y - p.y);
    } },
    Slider: { fn: function (a) {
      argc(a, 2, 9);
      var min = toNum(a[0], 'Min');
      var max = toNum(a[1], 'Max');
      var step = a.length > 2 ? toNum(a[2], 'Increment') : 0.1;
      var isAngle = a.length > 5 && a[5].t === 'boolean' && a[5].v;
      if (!(min <= max)) fail('Slider: Min must not exceed Max');
      var start = min <= 0 && 0 <= max ? 0 : min;
      var v = isAngle ? ANGLE(start) : NUM(start);
      v.slider = { min: min, max: max, step: step };
      return v;
    } },
    SetValue: { raw: true, fn: function (args, ctx) {
      argc(args, 2, 3);
      var name = objArg(args[0], ctx);
      if (args.length === 3) {
        // SetValue(list, n, value): the n-th element of a free list (measured on 5.0.745).
        var at = toNum(ev(args[1], ctx), 'index');
        var item = ev(args[2], ctx);
        return action(function (con) { con.setListElement(name, at, item); });
      }
      var v = ev(args[1], ctx);
      return action(function (con) { con.setValueFromValue(name, v); });
    } },
    SetCoords: { raw: true, fn: function (args, ctx) {
      argc(args, 3);
      var name = objArg(args[0], ctx);
      var x = toNum(ev(args[1], ctx));
      var y = toNum(ev(args[2], ctx));
      return action(function (con) { con.setCoords(name, x, y); });
    } },
    SetColor: { raw: true, fn: function (args, ctx) {
      argc(args, 2, 4);
      var name = objArg(args[0], ctx);
      var rgb;
      if (args.length === 2) {
        var s = ev(args[1], ctx);
        if (s.t !== 'text') fail('SetColor: colour must be a text');
        rgb = parseColor(s.v);
        if (!rgb) fail('SetColor: unknown colour ' + s.v);
      } else if (args.length === 4) {
        // The manual's numeric form uses components from 0 to 1.
        rgb = [1, 2, 3].map(function (i) { return Math.round(Math.max(0, Math.min(1, toNum(ev(args[i], ctx)))) * 255); });
      } else fail('SetColor: wrong number of arguments');
      return action(function (con) { con.setColor(name, rgb[0], rgb[1], rgb[2]); });
    } },
    Delete: { raw: true, fn: function (args, ctx) {
      argc(args, 1);
      var name = objArg(args[0], ctx);
      return action(function (con) {
        var gone = con.deleteObject(name);
        if (gone.length) con.client('deleteGeos', gone);
      });
    } },
    // Scripting commands GeoGebra answers with events only (measured on 5.0.745).
    // getVisible does not change (measured); the double stops drawing it in view 1.
    SetVisibleInView: { raw: true, fn: function (args, ctx) {
      argc(args, 3);
      var name = objArg(args[0], ctx);
      var viewNo = toNum(ev(args[1], ctx), 'view');
      var show = ev(args[2], ctx);
      return action(function (con) {
        if (viewNo === 1 && show.t === 'boolean') con.geos.get(name).hiddenInView = !show.v;
        con.fireUpdate(name);
        con.onChange();
      });
    } },
    SetLineStyle: { raw: true, fn: function (args, ctx) {
      argc(args, 2);
      var name = objArg(args[0], ctx);
      toNum(ev(args[1], ctx), 'line style');
      return action(function (con) { con.client('updateStyle', name, name); });
    } },
    SetConditionToShowObject: { raw: true, fn: function (args, ctx) {
      argc(args, 2);
      var name = objArg(args[0], ctx);
      return action(function (con) { con.fireUpdate(name); });
    } },
    UpdateConstruction: { raw: true, fn: function (args) {
      argc(args, 0, 1);
      return action(function (con) { con.order.slice().forEach(function (n) { con.fireUpdate(n); }); });
    } },
    StartAnimation: { raw: true, fn: function (args) {
      argc(args, 0, 2);
      return action(function () {}); // the double animates nothing
    } },
    Execute: { raw: true, fn: function (args, ctx) {
      argc(args, 1);
      var list = ev(args[0], ctx);
      if (list.t !== 'list' || !list.items.every(function (x) { return x.t === 'text'; })) fail('Execute needs a list of texts');
      return action(function (con) {
        list.items.forEach(function (x) { try { con.evalStatement(x.v); } catch (e) { if (e && e.ggbLazy) throw e; } });
      });
    } },
    SetCaption: { raw: true, fn: function (args, ctx) {
      argc(args, 2);
      var name = objArg(args[0], ctx);
      var s = ev(args[1], ctx);
      if (s.t !== 'text') fail('SetCaption: the caption must be a text');
      return action(function (con) {
        con.geos.get(name).caption = s.v;
        con.client('updateStyle', name, name);
        con.onChange();
      });
    } },
    ShowLabel: { raw: true, fn: function (args, ctx) {
      argc(args, 2);
      var name = objArg(args[0], ctx);
      var b = ev(args[1], ctx);
      if (b.t !== 'boolean') fail('ShowLabel: the second argument must be a boolean');
      return action(function (con) {
        con.geos.get(name).labelVisible = b.v;
        con.client('updateStyle', name, name);
        con.onChange();
      });
    } },
    Rename: { raw: true, fn: function (args, ctx) {
      argc(args, 2);
      var name = objArg(args[0], ctx);
      var s = ev(args[1], ctx);
      if (s.t !== 'text') fail('Rename: new name must be a text');
      if (!ctx.con.validNewLabel(s.v)) fail('Rename: invalid or taken name ' + s.v);
      return action(function (con) { if (con.rename(name, s.v)) con.fireUpdate(s.v); });
    } },
    Derivative: { fn: function (a, ctx) {
      argc(a, 1, 2);
      if (a[0].t !== 'function' || a[0].params.length !== 1) fail('Derivative needs a function of x');
      var times = a.length === 2 ? toNum(a[1]) : 1;
      if (times < 0 || times !== Math.floor(times) || times > 10) fail('Derivative: bad order');
      var body = inlineFunctions(a[0].body, ctx);
      for (var i = 0; i < times; i++) body = simplify(derive(body, a[0].params[0]));
      return FN(a[0].params.slice(), body);
    } },
    Root: { fn: function (a, ctx) {
      argc(a, 2, 3);
      if (a[0].t !== 'function') fail('Root needs a function');
      var f = fnOf(a[0], ctx);
      if (a.length === 3) {
        var lo = toNum(a[1]);
        var hi = toNum(a[2]);
        var flo = f(lo);
        var fhi = f(hi);
        if (flo === 0) return PT(lo, 0);
        if (fhi === 0) return PT(hi, 0);
        if (!(flo * fhi < 0)) return PT(NaN, 0);
        for (var i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
          var mid = (lo + hi) / 2;
          var fm = f(mid);
          if (fm === 0) { lo = hi = mid; break; }
          if (fm * flo < 0) { hi = mid; fhi = fm; } else { lo = mid; flo = fm; }
        }
        return PT((lo + hi) / 2, 0);
      }
      var x0 = toNum(a[1]);
      var x1 = x0 + 0.1;
      var f0 = f(x0);
      var f1 = f(x1);
      for (var k = 0; k < 100; k++) {
        if (f1 === f0) break;
        var x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
        x0 = x1; f0 = f1; x1 = x2; f1 = f(x1);
        if (Math.abs(x1 - x0) < 1e-14 * Math.max(1, Math.abs(x1))) break;
      }
      return PT(Math.abs(f1) < 1e-8 ? x1 : NaN, 0);
    } },
    Integral: { fn: function (a, ctx) {
      argc(a, 3);
      if (a[0].t !== 'function') fail('Integral needs a function');
      return NUM(integrate(fnOf(a[0], ctx), toNum(a[1]), toNum(a[2])));
    } },
    Sequence: { raw: true, fn: function (args, ctx) {
      argc(args, 1, 5);
      var out = [];
      var push = function (from, to, step, make) {
        if (!isFinite(from) || !isFinite(to) || !isFinite(step) || step === 0) fail('Sequence: bad range');
        var count = Math.floor((to - from) / step + 1e-9) + 1;
        if (count > 10000) fail('Sequence: too long');
        for (var i = 0; i < count; i++) out.push(make(from + i * step));
      };
      if (args.length >= 4 && args[1].k === 'id') {
        var varName = args[1].name;
        var from = toNum(ev(args[2], ctx));
        var to = toNum(ev(args[3], ctx));
        var step = args.length === 5 ? toNum(ev(args[4], ctx)) : 1;
        push(from, to, step, function (k) {
          var loc = {};
          loc[varName] = NUM(k);
          return evalArg(args[0], ctx.withLocals(loc));
        });
        return LIST(out);
      }
      if (args.length > 3) fail('Sequence: wrong arguments');
      var nums = args.map(function (x) { return toNum(ev(x, ctx)); });
      if (nums.length === 1) push(1, Math.floor(nums[0]), 1, NUM);
      else {
        var s = nums.length === 3 ? Math.abs(nums[2]) : 1;
        push(nums[0], nums[1], nums[1] >= nums[0] ? s : -s, NUM);
      }
      return LIST(out);
    } },
    FitLine: { fn: function (a) {
      argc(a, 1);
      var pts = listPoints(a[0]);
      if (pts.length < 2) fail('FitLine needs at least 2 points');
      var n = pts.length;
      var mx = 0;
      var my = 0;
      pts.forEach(function (p) { mx += p.x / n; my += p.y / n; });
      var sxx = 0;
      var sxy = 0;
      pts.forEach(function (p) { sxx += (p.x - mx) * (p.x - mx); sxy += (p.x - mx) * (p.y - my); });
      if (sxx === 0) return LINE(NaN, NaN, NaN, 'explicit');
      var m = sxy / sxx;
      return LINE(-m, 1, my - m * mx, 'explicit');
    } },
    Mean: { fn: function (a) {
      argc(a, 1);
      var xs = listNums(a[0]);
      if (!xs.length) return NUM(NaN);
      return NUM(xs.reduce(function (s, x) { return s + x; }, 0) / xs.length);
    } },
    // The means of a list of points' coordinates (GeoGebra's MeanX / MeanY).
    MeanX: { fn: function (a) {
      argc(a, 1);
      var pts = listPoints(a[0]);
      if (!pts.length) return NUM(NaN);
      return NUM(pts.reduce(function (s, p) { return s + p.x; }, 0) / pts.length);
    } },
    MeanY: { fn: function (a) {
      argc(a, 1);
      var pts = listPoints(a[0]);
      if (!pts.length) return NUM(NaN);
      return NUM(pts.reduce(function (s, p) { return s + p.y; }, 0) / pts.length);
    } },
    Sum: { fn: function (a) {
      argc(a, 1, 2);
      if (a[0].t !== 'list') fail('Sum needs a list');
      var items = a.length === 2 ? a[0].items.slice(0, toNum(a[1])) : a[0].items;
      if (items.length && isPointLike(items[0])) {
        return items.reduce(function (s, p) { return arith('+', s, p); });
      }
      return NUM(items.reduce(function (s, x) { return s + toNum(x, 'list element'); }, 0));
    } },
    Length: { fn: function (a) {
      argc(a, 1);
      var v = a[0];
      if (v.t === 'list') return NUM(v.items.length);
      if (v.t === 'segment') return NUM(segLen(v));
      if (isPointLike(v)) return NUM(Math.hypot(v.x, v.y));
      if (v.t === 'text') return NUM(v.v.length);
      fail('Length: wrong argument type');
    } },
    Element: { fn: function (a) {
      argc(a, 2);
      if (a[0].t !== 'list') fail('Element needs a list');
      return listElement(a[0], toNum(a[1], 'index'));
    } },
    Max: { fn: function (a) {
      var xs = a.length === 1 ? listNums(a[0]) : a.map(function (x) { return toNum(x); });
      if (a.length > 2) fail('Max: wrong number of arguments');
      return NUM(xs.length ? Math.max.apply(null, xs) : NaN);
    } },
    Min: { fn: function (a) {
      var xs = a.length === 1 ? listNums(a[0]) : a.map(function (x) { return toNum(x); });
      if (a.length > 2) fail('Min: wrong number of arguments');
      return NUM(xs.length ? Math.min.apply(null, xs) : NaN);
    } }
  };
  // GeoGebra loads some command modules lazily: the first synchronous use of one of
  // their commands in a page throws "<Module> commands not loaded yet" (nothing of
  // that line runs), asyncEvalCommandGetLabels loads the module first. Measured on
  // 5.0.745.0 for every command the lessons use: only TriangleCenter (Discrete).
  var LAZY_COMMANDS = { TriangleCenter: 'Discrete' };
  var loadedModules = {};
  function lazyModulesOf(ast) {
    var out = [];
    walk(ast, function (x) {
      if (x.k !== 'call') return;
      var cn = commandName(x.name);
      if (cn && LAZY_COMMANDS[cn] && out.indexOf(LAZY_COMMANDS[cn]) < 0) out.push(LAZY_COMMANDS[cn]);
    });
    return out;
  }
  function notLoaded(module) {
    var err = new Error(module + ' commands not loaded yet');
    err.ggbLazy = true;
    return err;
  }
  var COMMANDS_LOWER = {};
  Object.keys(COMMANDS).forEach(function (k) { COMMANDS_LOWER[k.toLowerCase()] = k; });
  COMMANDS_LOWER.trianglecentre = 'TriangleCenter';
  function commandName(name) { return COMMANDS_LOWER[String(name).toLowerCase()] || null; }

  // ---------------------------------------------------------------------
  // Automatic labels (roughly GeoGebra's conventions; see DOUBLE.md).
  // ---------------------------------------------------------------------
  var LABEL_POOLS = {
    point: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''),
    vector: ['u', 'v', 'w'],
    number: 'abcdfghjklmnopqrstuvw'.split(''),
    boolean: 'abcdfghjklmnopqrstuvw'.split(''),
    angle: '\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9\u03ba\u03bb\u03bc\u03bd\u03be\u03bf\u03c1\u03c3\u03c4\u03c5\u03c6\u03c7\u03c8\u03c9'.split(''),
    line: ['f', 'g', 'h', 'p', 'q', 'r', 's', 't'],
    segment: ['f', 'g', 'h', 'p', 'q', 'r', 's', 't'],
    'function': ['f', 'g', 'h', 'p', 'q', 'r', 's', 't'],
    circle: ['c', 'd', 'e', 'k', 'p', 'q', 'r', 's', 't']
  };

  // getCommandString: the definition as GeoGebra writes it (x², its own command
  // names); a free object's value; '' for free functions, texts and sliders.
  function commandString(g) {
    var v = g.value;
    if (g.free) {
      if (g.slider || v.t === 'function' || v.t === 'text' || (g.ast && g.ast.k === 'fdef')) return '';
      if (v.t === 'point' || v.t === 'vector') return plainValue(v);
      if (isNumeric(v) && g.ast && g.ast.k === 'num') return plainValue(v);
    }
    if (!g.ast) return '';
    if (g.ast.k === 'fdef') return g.free ? '' : unparse(g.ast.body, 'cmd');
    return unparse(g.ast, 'cmd');
  }
  // getDefinitionString: GeoGebra's (English) description of a command.
  var DESCRIPTIONS = {
    'Distance/2': 'Distance between %0 and %1',
    'Segment/2': 'Segment %0, %1',
    'Segment/3': 'Segment %0, %1',
    'Line/2': 'Line %0, %1',
    'Midpoint/2': 'Midpoint of %0, %1',
    'Angle/3': 'Angle between %0, %1, %2',
    'Intersect/2': 'Intersection of %0 and %1',
    'PerpendicularBisector/2': 'Perpendicular Bisector of %0%1',
    'PerpendicularLine/2': 'Line through %0 perpendicular to %1',
    'Slope/1': 'Slope of %0',
    'Derivative/1': 'Derivative of %0',
    'Integral/3': 'Integral of %0 from %1 to %2',
    // [sic]: GeoGebra 5.0.745 repeats the function where the start belongs.
    'Root/3': 'Root of %0 on interval [%0, %1]'
  };
  function definitionString(g, con) {
    var ast = g.ast;
    if (!g.command || !ast || ast.k !== 'call') return commandString(g);
    var args = ast.args.map(function (a) { return unparse(a, 'cmd'); });
    if (g.command === 'Polygon' && ast.args.length >= 3) return 'Polygon ' + args.join(', ');
    if (g.command === 'Circle' && ast.args.length === 2) {
      var r = null;
      try { r = evalArg(ast.args[1], new Ctx(con)); } catch (e) { r = null; }
      if (r && isNumeric(r)) return 'Circle with center ' + args[0] + ' and radius ' + args[1];
      return commandString(g);
    }
    var t = DESCRIPTIONS[g.command + '/' + ast.args.length];
    if (!t) return commandString(g);
    return t.replace(/%(\d)/g, function (_, i) { return args[Number(i)]; });
  }

  // ---------------------------------------------------------------------
  // The construction: objects, dependency graph, listeners.
  // ---------------------------------------------------------------------
  function Construction(onChange) {
    this.geos = new Map();
    this.order = [];
    this.listeners = { add: [], remove: [], update: [], rename: [], clear: [], client: [], click: [], storeUndo: [] };
    this.onChange = onChange || function () {};
  }
  var C = Construction.prototype;

  C.fire = function (kind, args) {
    this.listeners[kind].slice().forEach(function (l) { callListener(l, args); });
  };
  function callListener(l, args) {
    var fn = typeof l === 'function' ? l : (root && root[l]);
    if (typeof fn !== 'function') {
      if (root && root.console) root.console.warn(LOG_PREFIX + 'listener ' + l + ' is not a function');
      return;
    }
    try {
      fn.apply(null, args);
    } catch (e) {
      // GeoGebra keeps running when a listener throws; so does the double.
      if (root && root.console) root.console.error(LOG_PREFIX + 'listener threw', e);
    }
  }
  C.fireUpdate = function (name) {
    this.fire('update', [name]);
    var g = this.geos.get(name);
    if (g) g.objListeners.slice().forEach(function (l) { callListener(l, [name]); });
    if (g && g.js && g.js.update) this.runJs(g.js.update);
  };
  // A file's JavaScript runs in the page's global scope, as GeoGebra 5.0.745 runs it
  // (its ggbOnInit and its objects' onUpdate/click scripts), unless the applet was built
  // with useBrowserForJS, which (measured) stops both; GGBScript is not modelled.
  C.runJs = function (src) {
    if (this.blockJs || !root) return;
    try {
      (0, root.eval)(String(src));
    } catch (e) {
      if (root.console) root.console.error(LOG_PREFIX + 'a JavaScript script threw', e);
    }
  };
  // GeoGebra's client events are JS arrays that also carry named fields, e.g.
  // ['updateStyle', 'A', 'A'] with type/target/argument; [type, ...targets] with
  // `targets`; [type, ''] (plus the argument, if any) when there is no target.
  function clientEvent(type, target, argument, extra) {
    var ev;
    if (Array.isArray(target)) {
      ev = [type].concat(target);
      ev.type = type;
      ev.targets = target.slice();
    } else if (target === undefined || target === null) {
      ev = [type, ''];
      ev.type = type;
      if (argument !== undefined) { ev.push(argument); ev.argument = argument; }
    } else {
      ev = [type, target];
      ev.type = type;
      ev.target = target;
      if (argument !== undefined) { ev.push(argument); ev.argument = argument; }
    }
    if (extra) Object.keys(extra).forEach(function (k) { ev[k] = extra[k]; });
    return ev;
  }
  C.client = function (type, target, argument, extra) {
    this.fire('client', [clientEvent(type, target, argument, extra)]);
  };

  C.validLabelSyntax = function (label) {
    var m = ID_RE.exec(label);
    return !!m && m[0] === label && !RESERVED[label] && !commandName(label) && !MATH1[label.toLowerCase()];
  };
  C.validNewLabel = function (label) {
    return typeof label === 'string' && this.validLabelSyntax(label) && !this.geos.has(label);
  };
  C.autoLabel = function (value, hint) {
    var self = this;
    var free = function (l) { return !self.geos.has(l); };
    if (hint && free(hint) && this.validLabelSyntax(hint)) return hint;
    var t = value.t;
    if (t === 'polygon') {
      var prefix = value.pts.length === 3 ? 't' : value.pts.length === 4 ? 'q' : 'poly';
      for (var i = 1; ; i++) if (free(prefix + i)) return prefix + i;
    }
    if (t === 'list' || t === 'text') {
      var pre = t === 'list' ? 'l' : 'text';
      for (var j = 1; ; j++) if (free(pre + j)) return pre + j;
    }
    var pool = LABEL_POOLS[t] || LABEL_POOLS.number;
    for (var s = 0; ; s++) {
      for (var k = 0; k < pool.length; k++) {
        var cand = s === 0 ? pool[k] : pool[k] + '_' + s;
        if (free(cand)) return cand;
      }
    }
  };

  // Everything that depends on `names`, transitively, in construction order.
  C.dependents = function (names) {
    var set = new Set(names);
    var out = [];
    for (var i = 0; i < this.order.length; i++) {
      var g = this.geos.get(this.order[i]);
      if (set.has(g.name)) continue;
      for (var d of g.deps) {
        if (set.has(d)) { set.add(g.name); out.push(g.name); break; }
      }
    }
    return out;
  };
  // Stable topological sort; only reorders what a redefinition forces.
  C.resort = function () {
    var placed = new Set();
    var remaining = this.order.slice();
    var out = [];
    while (remaining.length) {
      var progressed = false;
      for (var i = 0; i < remaining.length; i++) {
        var g = this.geos.get(remaining[i]);
        var ok = true;
        for (var d of g.deps) if (!placed.has(d)) { ok = false; break; }
        if (ok) { placed.add(g.name); out.push(g.name); remaining.splice(i, 1); progressed = true; break; }
      }
      if (!progressed) throw new Error('dependency cycle');
    }
    this.order = out;
  };
  C.compute = function (g, ctx) {
    if (g.ast.k === 'fdef') return makeFunction(g.ast.params, g.ast.body, ctx);
    var v = g.ast.k === 'eq' ? equationValue(g.ast, ctx) : evalArg(g.ast, ctx);
    if (v.t === 'action') fail('not an object');
    return v;
  };
  // Recompute the given dependents. With strict, an error aborts (used to
  // test a redefinition before committing); otherwise it marks undefined.
  C.recompute = function (names, overrides, strict) {
    var ctx = new Ctx(this, {}, overrides);
    var out = {};
    for (var i = 0; i < names.length; i++) {
      var g = this.geos.get(names[i]);
      var v;
      try {
        v = this.compute(g, ctx);
      } catch (e) {
        if (strict) throw e instanceof FreeVar ? new EvalError_('free variable') : e;
        v = undefinedLike(g.value);
      }
      ctx.overrides = ctx.overrides || {};
      ctx.overrides[g.name] = v;
      out[g.name] = v;
    }
    return out;
  };
  C.commitValues = function (values, order) {
    var self = this;
    order.forEach(function (n) { self.geos.get(n).value = values[n]; });
  };
  // A free object changed: update it, then everything that depends on it.
  C.changed = function (name) {
    var deps = this.dependents([name]);
    var values = this.recompute(deps, null, false);
    this.commitValues(values, deps);
    this.fireUpdate(name);
    for (var i = 0; i < deps.length; i++) this.fireUpdate(deps[i]);
    this.onChange();
  };

  function defaultColor(value, free) {
    switch (value.t) {
      case 'point': return free ? [77, 77, 255] : [97, 97, 97];
      case 'polygon': return [153, 51, 0];
      case 'angle': return [0, 100, 0];
      case 'vector': case 'line': case 'segment': case 'function': case 'circle': return [0, 0, 0];
      default: return [0, 0, 0];
    }
  }

  // Evaluate one statement atomically. Returns {labels: [...]} or throws.
  C.evalStatement = function (src, forcedLabel) {
    var stmt = parseStatement(src);
    if (this.lazy) {
      var missing = lazyModulesOf(stmt.expr).filter(function (m) { return !loadedModules[m]; });
      if (missing.length) throw notLoaded(missing[0]);
    }
    var ctx = new Ctx(this);
    var ast;
    var value;
    if (stmt.params) {
      if (stmt.params.some(function (p) { return p !== 'x' && p !== 'y' && p !== 't' && !/^[a-z]$/.test(p); })) fail('bad parameter');
      ast = { k: 'fdef', params: stmt.params, body: stmt.expr };
      value = makeFunction(stmt.params, stmt.expr, ctx);
    } else {
      ast = stmt.expr;
      try {
        value = ast.k === 'eq' ? equationValue(ast, ctx) : ev(ast, ctx);
      } catch (e) {
        if (e instanceof FreeVar && e.name === 'x') {
          ast = { k: 'fdef', params: ['x'], body: stmt.expr };
          value = makeFunction(['x'], stmt.expr, ctx);
        } else if (e instanceof FreeVar) {
          fail('free variable ' + e.name);
        } else throw e;
      }
    }
    // As in GeoGebra, "u = (3, 4)" with a lowercase label makes a vector.
    var lbl0 = forcedLabel || stmt.label;
    if (lbl0 && /^[a-z]/.test(lbl0) && value.t === 'point' && ast.k === 'tuple' && !(this.geos.get(lbl0) && this.geos.get(lbl0).value.t === 'point')) {
      value = VEC(value.x, value.y);
    }
    if (value.t === 'action') {
      if (stmt.label || forcedLabel) fail('a scripting command cannot be assigned');
      value.run(this);
      return { labels: [] };
    }
    var bound = ast.k === 'fdef' ? ast.params : [];
    var deps = new Set();
    var self = this;
    referencedNames(ast.k === 'fdef' ? ast.body : ast, bound).forEach(function (n) { if (self.geos.has(n)) deps.add(n); });
    var topCmd = ast.k === 'call' && commandName(ast.name) ? commandName(ast.name) : null;
    var isFree = deps.size === 0 && (!topCmd || topCmd === 'Slider');
    var label = forcedLabel || stmt.label;
    if (label && stmt.params && stmt.label !== label) fail('label mismatch');
    if (label && !forcedLabel && !stmt.params && MATH1[label.toLowerCase()]) {
      var k = 1;
      while (this.geos.has(label + '_{' + k + '}')) k++;
      label = label + '_{' + k + '}';
    }
    var existing = label ? this.geos.get(label) : null;
    if (label && !existing && !this.validLabelSyntax(label)) fail('invalid label ' + label);
    if (value.slider && !isFree) fail('Slider arguments must be constants');

    if (existing) {
      return this.redefine(existing, ast, value, deps, isFree, topCmd);
    }
    if (!label) {
      var hint = null;
      if (topCmd === 'Derivative' && ast.args[0] && ast.args[0].k === 'id' && ast.args.length === 1) hint = ast.args[0].name + "'";
      label = this.autoLabel(value, hint);
    }
    var g = this.newGeo(label, value, ast, deps, isFree, topCmd);
    // (From a file the sides are elements of their own: no second set.)
    var sides = topCmd === 'Polygon' && ast.args.length >= 3 && value.t === 'polygon' && !forcedLabel;
    // A polygon made inside another command still makes (unlabelled) sides: GeoGebra
    // brackets them with batchAdd events.
    if (!sides && this.nestedPolygon(ast)) {
      this.client('batchAddStarted');
      this.client('batchAddComplete');
    }
    if (sides) this.client('batchAddStarted');
    this.geos.set(label, g);
    this.order.push(label);
    this.fire('add', [label]);
    var labels = [label];
    if (sides) {
      labels = labels.concat(this.addSides(g));
      this.client('batchAddComplete', label, label);
    }
    this.onChange();
    return { labels: labels };
  };
  C.newGeo = function (label, value, ast, deps, isFree, topCmd) {
    // GeoGebra shows numbers and booleans in the graphics only when a command draws
    // them (Slope's triangle, Integral's area) or as a slider; lists when they are
    // computed from other objects and hold something drawable (measured: {(1,2),(3,4)}
    // is hidden, {A, B} and Sequence((k,k),k,1,3) are shown, lists of numbers hidden).
    var numbersOnly = value.t === 'list' && value.items.every(function (it) {
      return it.t === 'number' || it.t === 'boolean';
    });
    var hidden = (value.t === 'number' || value.t === 'boolean' ||
      (value.t === 'list' && (isFree || numbersOnly))) &&
      !value.slider && topCmd !== 'Slope' && topCmd !== 'Integral';
    return {
      name: label, value: value, ast: ast, deps: deps, free: isFree, command: topCmd,
      color: defaultColor(value, isFree), visible: !hidden, labelVisible: true,
      fixed: false, caption: '', slider: value.slider || null, objListeners: []
    };
  };
  C.nestedPolygon = function (ast) {
    var found = false;
    walk(ast, function (x) {
      if (x !== ast && x.k === 'call' && commandName(x.name) === 'Polygon') found = true;
    });
    return found;
  };
  // Polygon(P1, ..., Pn) also creates its sides Segment(Pi, Pi+1, poly). With named
  // vertices a triangle's side is named after the opposite vertex (AB is c), other
  // polygons' after their first vertex; otherwise they get segment labels (f, g, h).
  C.addSides = function (poly) {
    var args = poly.ast.args;
    var n = args.length;
    var named = args.every(function (a) { return a.k === 'id'; });
    var out = [];
    for (var i = 0; i < n; i++) {
      var p = args[i];
      var q = args[(i + 1) % n];
      var sast = { k: 'call', name: 'Segment', args: [clone(p), clone(q), { k: 'id', name: poly.name }] };
      var value = SEG(poly.value.pts[i], poly.value.pts[(i + 1) % n]);
      var label;
      if (named) {
        var base = (n === 3 ? args[(i + 2) % n].name : p.name).toLowerCase();
        label = base;
        for (var k = 1; this.geos.has(label) || !this.validLabelSyntax(label); k++) label = base + '_' + k;
      } else {
        label = this.autoLabel(value, null);
      }
      var deps = new Set(poly.deps);
      deps.add(poly.name);
      var g = this.newGeo(label, value, sast, deps, false, 'Segment');
      this.geos.set(label, g);
      this.order.push(label);
      this.fire('add', [label]);
      out.push(label);
    }
    return out;
  };

  C.redefine = function (g, ast, value, deps, isFree, topCmd) {
    var downstream = this.dependents([g.name]);
    for (var d of deps) {
      if (d === g.name || downstream.indexOf(d) >= 0) fail('circular definition');
    }
    var overrides = {};
    overrides[g.name] = value;
    // Trial run: if any dependent cannot take the new value, nothing changes.
    var saved = g.deps;
    g.deps = deps;
    var order = this.order.slice();
    var values;
    try {
      this.resort();
      var downstream2 = this.dependents([g.name]);
      values = this.recompute(downstream2, overrides, true);
      downstream = downstream2;
    } catch (e) {
      g.deps = saved;
      this.order = order;
      throw e;
    }
    // A slider stays a slider when given a new constant of the same type.
    var keepSlider = isFree && value.t === g.value.t ? g.slider : null;
    g.ast = ast;
    g.value = value;
    g.free = isFree;
    g.command = topCmd;
    g.slider = value.slider || keepSlider;
    this.commitValues(values, downstream);
    var resides = value.t === 'polygon' && topCmd === 'Polygon';
    if (resides) {
      // Measured: an empty batchAdd bracket first, then the updates twice.
      this.client('batchAddStarted');
      this.client('batchAddComplete');
    }
    for (var round = 0; round < (resides ? 2 : 1); round++) {
      this.fireUpdate(g.name);
      for (var i = 0; i < downstream.length; i++) this.fireUpdate(downstream[i]);
    }
    this.onChange();
    // GeoGebra 5.0.745.0 answers "undefined" for each other output of a redefined
    // polygon (re-running tri = Polygon(A, B, C) gives "tri,undefined,undefined,undefined";
    // the segments keep their names). Conformance row "redefine: Polygon again".
    if (resides) {
      return { labels: [g.name].concat(value.pts.map(function () { return 'undefined'; })) };
    }
    return { labels: [g.name] };
  };

  C.setCoords = function (name, x, y) {
    var g = this.geos.get(name);
    if (!g || !g.free || (g.value.t !== 'point' && g.value.t !== 'vector')) return false;
    if (typeof x !== 'number' || typeof y !== 'number') return false;
    g.value = g.value.t === 'point' ? PT(x, y) : VEC(x, y);
    this.changed(name);
    return true;
  };
  C.setValueFromValue = function (name, v) {
    var g = this.geos.get(name);
    if (!g || !g.free) return false;
    if (isNumeric(g.value) && isNumeric(v)) return this.setNumber(name, v.v);
    if (g.value.t === 'boolean' && (v.t === 'boolean' || isNumeric(v))) return this.setNumber(name, v.t === 'boolean' ? (v.v ? 1 : 0) : v.v);
    if (isPointLike(g.value) && isPointLike(v)) return this.setCoords(name, v.x, v.y);
    if (g.value.t === 'list' && v.t === 'list') { g.value = v; this.changed(name); return true; }
    return false;
  };
  C.setListElement = function (name, at, item) {
    var g = this.geos.get(name);
    if (!g || !g.free || g.value.t !== 'list') return false;
    var i = Math.round(at) - 1;
    if (i < 0 || i >= g.value.items.length) return false;
    var items = g.value.items.slice();
    items[i] = item;
    g.value = LIST(items);
    this.changed(name);
    return true;
  };
  C.setNumber = function (name, x) {
    var g = this.geos.get(name);
    if (!g || !g.free || typeof x !== 'number') return false;
    if (g.value.t === 'boolean') {
      g.value = BOOL(x === 1);
    } else if (isNumeric(g.value)) {
      if (g.slider) x = Math.max(g.slider.min, Math.min(g.slider.max, x));
      g.value = g.value.t === 'angle' ? ANGLE(x) : NUM(x);
    } else return false;
    this.changed(name);
    return true;
  };
  C.setColor = function (name, r, gr, b) {
    var g = this.geos.get(name);
    if (!g) return;
    g.color = [r, gr, b].map(function (c) { return Math.max(0, Math.min(255, Math.round(Number(c) || 0))); });
    this.client('updateStyle', name, name);
    this.onChange();
  };
  C.deleteObject = function (name) {
    if (!this.geos.has(name)) return [];
    var doomed = [name].concat(this.dependents([name])).reverse();
    var self = this;
    doomed.forEach(function (n) {
      self.geos.delete(n);
      self.order.splice(self.order.indexOf(n), 1);
    });
    doomed.forEach(function (n) { self.fire('remove', [n]); });
    this.onChange();
    return doomed;
  };
  C.rename = function (oldName, newName) {
    var g = this.geos.get(oldName);
    if (!g || !this.validNewLabel(newName)) return false;
    this.geos.delete(oldName);
    g.name = newName;
    this.geos.set(newName, g);
    this.order[this.order.indexOf(oldName)] = newName;
    this.geos.forEach(function (h) {
      if (h.deps.has(oldName)) { h.deps.delete(oldName); h.deps.add(newName); }
      if (!h.ast) return;
      walk(h.ast, function (x) {
        if ((x.k === 'id' || x.k === 'call') && x.name === oldName) x.name = newName;
      });
    });
    // Values that captured the old name (functions, derivatives) are rebuilt.
    var all = this.order.filter(function (n) { return !this.geos.get(n).free; }, this);
    this.commitValues(this.recompute(all, null, false), all);
    this.fire('rename', [oldName, newName]);
    this.fireUpdate(newName);
    this.client('renameComplete');
    this.onChange();
    return true;
  };
  C.clear = function (quiet) {
    this.geos = new Map();
    this.order = [];
    if (!quiet) this.fire('clear', []);
    this.onChange();
  };

  // ---------------------------------------------------------------------
  // XML (a GeoGebra-like subset; round-trips through this double).
  // ---------------------------------------------------------------------
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function unesc(s) {
    return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, function (_, e) {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()];
    });
  }
  function hex2(n) { return (n < 16 ? '0' : '') + n.toString(16).toUpperCase(); }

  C.xmlFor = function (g) {
    var out = [];
    var v = g.value;
    var type = TYPE_NAMES[v.t];
    if (!g.free && g.command && g.ast.k === 'call') {
      var inputs = g.ast.args.map(function (a, i) { return 'a' + i + '="' + esc(unparse(a, 'def')) + '"'; }).join(' ');
      out.push('<command name="' + g.command + '">');
      out.push('\t<input ' + inputs + '/>');
      out.push('\t<output a0="' + esc(g.name) + '"/>');
      out.push('</command>');
    } else if (!g.free || ['point', 'vector', 'number', 'angle', 'boolean'].indexOf(v.t) < 0) {
      var exp;
      if (g.ast && g.ast.k === 'fdef') exp = g.name + '(' + g.ast.params.join(', ') + ') = ' + unparse(g.ast.body, 'def');
      else if (!g.free) exp = unparse(g.ast, 'def');
      else exp = valueToExp(v);
      out.push('<expression label="' + esc(g.name) + '" exp="' + esc(exp) + '"/>');
    }
    out.push('<element type="' + type + '" label="' + esc(g.name) + '">');
    out.push('\t<show object="' + g.visible + '" label="' + g.labelVisible + '"/>');
    out.push('\t<objColor r="' + g.color[0] + '" g="' + g.color[1] + '" b="' + g.color[2] + '" alpha="0"/>');
    if (g.fixed) out.push('\t<fixed val="true"/>');
    if (g.caption) out.push('\t<caption val="' + esc(g.caption) + '"/>');
    if (g.js && (g.js.click || g.js.update)) {
      out.push('\t<javascript' + (g.js.click ? ' val="' + esc(g.js.click) + '"' : '') +
        (g.js.update ? ' onUpdate="' + esc(g.js.update) + '"' : '') + '/>');
    }
    if (v.t === 'point' || v.t === 'vector') {
      out.push('\t<coords x="' + numStr(v.x) + '" y="' + numStr(v.y) + '" z="' + (v.t === 'point' ? 1 : 0) + '"/>');
    }
    if (isNumeric(v)) out.push('\t<value val="' + numStr(v.v) + '"/>');
    if (v.t === 'boolean') out.push('\t<value val="' + v.v + '"/>');
    if (g.slider) {
      out.push('\t<slider min="' + numStr(g.slider.min) + '" max="' + numStr(g.slider.max) + '" width="200" fixed="false" horizontal="true" showAlgebra="true"/>');
      out.push('\t<animation step="' + numStr(g.slider.step) + '" speed="1" type="0" playing="false"/>');
    }
    out.push('</element>');
    return out.join('\n');
  };
  C.getXML = function (name, view) {
    if (name) {
      var g = this.geos.get(name);
      return g ? this.xmlFor(g) : '';
    }
    var self = this;
    var body = this.order.map(function (n) { return self.xmlFor(self.geos.get(n)); }).join('\n');
    return '<?xml version="1.0" encoding="utf-8"?>\n' +
      '<geogebra format="5.0" app="classic" platform="ggbmagic-test-double" version="' + VERSION_STRING + '">\n' +
      '<euclidianView>\n\t<size width="' + (view ? view.width : 800) + '" height="' + (view ? view.height : 600) + '"/>\n' +
      '\t<coordSystem xZero="' + (view ? view.xZero : 215) + '" yZero="' + (view ? view.yZero : 315) + '" scale="' + (view ? view.xscale : SCALE) + '" yscale="' + (view ? view.yscale : SCALE) + '"/>\n</euclidianView>\n' +
      '<construction title="" author="" date="">\n' + body + (body ? '\n' : '') + '</construction>\n</geogebra>';
  };

  function parseXml(src) {
    var rootNode = { name: '#root', attrs: {}, children: [] };
    var stack = [rootNode];
    var re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
    var m;
    while ((m = re.exec(src))) {
      if (!m[2]) continue;
      if (m[1]) {
        if (stack.length > 1 && stack[stack.length - 1].name === m[2]) stack.pop();
        else throw new Error('malformed XML near </' + m[2] + '>');
        continue;
      }
      var attrs = {};
      var ar = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
      var am;
      while ((am = ar.exec(m[3]))) attrs[am[1]] = unesc(am[2] !== undefined ? am[2] : am[3]);
      var node = { name: m[2], attrs: attrs, children: [] };
      stack[stack.length - 1].children.push(node);
      if (!m[4]) stack.push(node);
    }
    if (stack.length !== 1) throw new Error('malformed XML: unclosed <' + stack[stack.length - 1].name + '>');
    return rootNode;
  }
  function child(node, name) {
    for (var i = 0; i < node.children.length; i++) if (node.children[i].name === name) return node.children[i];
    return null;
  }

  // Apply construction XML without clearing (evalXML semantics).
  C.evalXML = function (xml) {
    var doc = parseXml(String(xml));
    var nodes = doc.children;
    var top = child(doc, 'geogebra');
    if (top) {
      var cons = child(top, 'construction');
      nodes = cons ? cons.children : [];
    } else if (child(doc, 'construction')) {
      nodes = child(doc, 'construction').children;
    }
    var self = this;
    var warn = function (msg) { if (root && root.console) root.console.warn(LOG_PREFIX + msg); };
    nodes.forEach(function (node) {
      try {
        if (node.name === 'command') {
          var inp = child(node, 'input');
          var outp = child(node, 'output');
          if (!inp || !outp || !outp.attrs.a0) throw new Error('command without input/output');
          var args = [];
          for (var i = 0; inp.attrs['a' + i] !== undefined; i++) args.push(inp.attrs['a' + i]);
          self.evalStatement(node.attrs.name + '(' + args.join(', ') + ')', outp.attrs.a0);
        } else if (node.name === 'expression') {
          var label = node.attrs.label;
          var exp = node.attrs.exp || '';
          var fm = /^\s*([^\s=(]+)\s*\([^)]*\)\s*=/.exec(exp);
          if (fm && fm[1] === label) self.evalStatement(exp);
          else self.evalStatement(exp, label);
        } else if (node.name === 'element') {
          self.applyElement(node);
        }
      } catch (e) {
        warn('XML: skipped <' + node.name + ' ' + JSON.stringify(node.attrs) + '>: ' + (e && e.message));
      }
    });
  };
  C.applyElement = function (node) {
    var label = node.attrs.label;
    var type = node.attrs.type;
    var g = this.geos.get(label);
    if (!g) {
      var coords = child(node, 'coords');
      var val = child(node, 'value');
      var slider = child(node, 'slider');
      var anim = child(node, 'animation');
      var src;
      if (type === 'point' && coords) {
        var z = parseFloat(coords.attrs.z || '1') || 1;
        src = '(' + parseFloat(coords.attrs.x) / z + ', ' + parseFloat(coords.attrs.y) / z + ')';
      } else if (type === 'vector' && coords) {
        src = '(' + parseFloat(coords.attrs.x) + ', ' + parseFloat(coords.attrs.y) + ')';
      } else if ((type === 'numeric' || type === 'angle') && val) {
        var num = parseFloat(val.attrs.val);
        src = type === 'angle' ? numStr(num * 180 / Math.PI) + '\u00b0' : numStr(num);
      } else if (type === 'boolean' && val) {
        src = val.attrs.val === 'true' ? 'true' : 'false';
      } else {
        throw new Error('cannot rebuild free ' + type + ' from <element> alone');
      }
      this.evalStatement(src, label);
      g = this.geos.get(label);
      if (type === 'vector' && g.value.t === 'point') g.value = VEC(g.value.x, g.value.y);
      if ((type === 'numeric' || type === 'angle') && slider) {
        g.slider = { min: parseFloat(slider.attrs.min), max: parseFloat(slider.attrs.max), step: anim ? parseFloat(anim.attrs.step) : 0.1 };
        if (!isFinite(g.slider.min) || !isFinite(g.slider.max)) g.slider = null;
      }
    }
    var show = child(node, 'show');
    if (show) {
      if (show.attrs.object !== undefined) g.visible = show.attrs.object !== 'false';
      if (show.attrs.label !== undefined) g.labelVisible = show.attrs.label !== 'false';
    }
    var col = child(node, 'objColor');
    if (col) g.color = [col.attrs.r, col.attrs.g, col.attrs.b].map(function (c) { return Math.max(0, Math.min(255, parseInt(c, 10) || 0)); });
    var fixed = child(node, 'fixed');
    if (fixed) g.fixed = fixed.attrs.val === 'true';
    var cap = child(node, 'caption');
    if (cap) g.caption = cap.attrs.val || '';
    var js = child(node, 'javascript');
    if (js) g.js = { click: js.attrs.val || '', update: js.attrs.onUpdate || '' };
    this.onChange();
  };

  // ---------------------------------------------------------------------
  // .ggb = ZIP. Writes stored (uncompressed) entries with real CRC32;
  // reads stored entries, and deflated ones where the platform can inflate.
  // ---------------------------------------------------------------------
  var CRC_TABLE = (function () {
    var t = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();
  function crc32(bytes) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }
  function utf8(s) { return new TextEncoder().encode(s); }
  function fromUtf8(b) { return new TextDecoder('utf-8').decode(b); }
  function zipStore(files) {
    var parts = [];
    var central = [];
    var offset = 0;
    files.forEach(function (f) {
      var name = utf8(f.name);
      var data = f.data;
      var crc = crc32(data);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);
      local.setUint16(6, 0x0800, true); // UTF-8 names
      local.setUint16(8, 0, true); // stored
      local.setUint16(10, 0, true);
      local.setUint16(12, 0x21, true); // 1980-01-01
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      parts.push(new Uint8Array(local.buffer), name, data);
      var cd = new DataView(new ArrayBuffer(46));
      cd.setUint32(0, 0x02014b50, true);
      cd.setUint16(4, 20, true);
      cd.setUint16(6, 20, true);
      cd.setUint16(8, 0x0800, true);
      cd.setUint16(10, 0, true);
      cd.setUint16(12, 0, true);
      cd.setUint16(14, 0x21, true);
      cd.setUint32(16, crc, true);
      cd.setUint32(20, data.length, true);
      cd.setUint32(24, data.length, true);
      cd.setUint16(28, name.length, true);
      cd.setUint32(42, offset, true);
      central.push(new Uint8Array(cd.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var cdSize = central.reduce(function (s, p) { return s + p.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, cdSize, true);
    end.setUint32(16, offset, true);
    var all = parts.concat(central, [new Uint8Array(end.buffer)]);
    var total = all.reduce(function (s, p) { return s + p.length; }, 0);
    var out = new Uint8Array(total);
    var pos = 0;
    all.forEach(function (p) { out.set(p, pos); pos += p.length; });
    return out;
  }
  function unzip(bytes) {
    var dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var eocd = -1;
    for (var i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
      if (dv.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error('not a zip file');
    var count = dv.getUint16(eocd + 10, true);
    var p = dv.getUint32(eocd + 16, true);
    var entries = [];
    for (var n = 0; n < count; n++) {
      if (dv.getUint32(p, true) !== 0x02014b50) throw new Error('bad zip central directory');
      var method = dv.getUint16(p + 10, true);
      var crc = dv.getUint32(p + 16, true);
      var csize = dv.getUint32(p + 20, true);
      var usize = dv.getUint32(p + 24, true);
      var nlen = dv.getUint16(p + 28, true);
      var xlen = dv.getUint16(p + 30, true);
      var clen = dv.getUint16(p + 32, true);
      var off = dv.getUint32(p + 42, true);
      var name = fromUtf8(bytes.subarray(p + 46, p + 46 + nlen));
      if (dv.getUint32(off, true) !== 0x04034b50) throw new Error('bad zip local header');
      var start = off + 30 + dv.getUint16(off + 26, true) + dv.getUint16(off + 28, true);
      entries.push({ name: name, method: method, crc: crc, size: usize, data: bytes.subarray(start, start + csize) });
      p += 46 + nlen + xlen + clen;
    }
    return entries;
  }
  function inflateEntry(entry, cb) {
    if (entry.method === 0) return cb(null, entry.data);
    if (entry.method !== 8) return cb(new Error('unsupported zip method ' + entry.method));
    try {
      if (typeof require === 'function') {
        var zlib = require('zlib');
        return cb(null, new Uint8Array(zlib.inflateRawSync(entry.data)));
      }
    } catch (e) { /* fall through to the browser path */ }
    if (typeof root.DecompressionStream === 'function' && typeof root.Response === 'function') {
      var stream = new root.Response(entry.data).body.pipeThrough(new root.DecompressionStream('deflate-raw'));
      new root.Response(stream).arrayBuffer().then(function (buf) { cb(null, new Uint8Array(buf)); }, cb);
      return;
    }
    cb(new Error('cannot inflate here'));
  }
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function b64encode(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i += 3) {
      var a = bytes[i];
      var b = i + 1 < bytes.length ? bytes[i + 1] : 0;
      var c = i + 2 < bytes.length ? bytes[i + 2] : 0;
      var n = (a << 16) | (b << 8) | c;
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] +
        (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    }
    return out;
  }
  function b64decode(str) {
    var s = String(str).replace(/^data:[^,]*,/, '').replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/');
    if (/[^A-Za-z0-9+/]/.test(s)) throw new Error('not base64');
    var out = new Uint8Array(Math.floor(s.length * 3 / 4));
    var pos = 0;
    for (var i = 0; i < s.length; i += 4) {
      var n = 0;
      var k;
      for (k = 0; k < 4; k++) n = (n << 6) | (i + k < s.length ? B64.indexOf(s[i + k]) : 0);
      out[pos++] = (n >> 16) & 255;
      if (i + 2 < s.length) out[pos++] = (n >> 8) & 255;
      if (i + 3 < s.length) out[pos++] = n & 255;
    }
    return out.subarray(0, pos);
  }

  // ---------------------------------------------------------------------
  // Rendering: one scene description, two back ends (SVG text, canvas).
  // ---------------------------------------------------------------------
  var SCALE = 50; // pixels per unit; the origin at GeoGebra's default (xZero, yZero)
  function buildScene(con, view) {
    var w = view.width;
    var h = view.height;
    var ox = view.xZero === undefined ? 215 : view.xZero;
    var oy = view.yZero === undefined ? 315 : view.yZero;
    var xs = view.xscale || SCALE;
    var ys = view.yscale || SCALE;
    var X = function (x) { return ox + x * xs; };
    var Y = function (y) { return oy - y * ys; };
    var xmin = -ox / xs;
    var xmax = (w - ox) / xs;
    var ymin = -(h - oy) / ys;
    var ymax = oy / ys;
    var prims = [];
    var i;
    if (view.grid) {
      for (i = Math.ceil(xmin); i <= xmax; i++) prims.push({ k: 'line', x1: X(i), y1: 0, x2: X(i), y2: h, color: '#E0E0E0', width: 1 });
      for (i = Math.ceil(ymin); i <= ymax; i++) prims.push({ k: 'line', x1: 0, y1: Y(i), x2: w, y2: Y(i), color: '#E0E0E0', width: 1 });
    }
    if (view.axes) {
      prims.push({ k: 'line', x1: 0, y1: Y(0), x2: w, y2: Y(0), color: '#252525', width: 1 });
      prims.push({ k: 'line', x1: X(0), y1: 0, x2: X(0), y2: h, color: '#252525', width: 1 });
    }
    var later = [];
    con.order.forEach(function (name) {
      var g = con.geos.get(name);
      var v = g.value;
      if (!g.visible || g.hiddenInView || !valueDefined(v)) return;
      var color = '#' + g.color.map(hex2).join('');
      var label = g.labelVisible ? (g.caption || name) : null;
      var lx;
      var ly;
      switch (v.t) {
        case 'polygon':
          prims.push({ k: 'poly', pts: v.pts.map(function (p) { return [X(p.x), Y(p.y)]; }), color: color, fill: color, label: name });
          if (label) {
            lx = 0; ly = 0;
            v.pts.forEach(function (p) { lx += X(p.x) / v.pts.length; ly += Y(p.y) / v.pts.length; });
            later.push({ k: 'text', x: lx, y: ly, s: label, color: color, label: name });
          }
          break;
        case 'circle':
          prims.push({ k: 'circle', cx: X(v.cx), cy: Y(v.cy), r: v.r * xs, color: color, label: name });
          if (label) later.push({ k: 'text', x: X(v.cx) + 4, y: Y(v.cy + v.r) - 4, s: label, color: color, label: name });
          break;
        case 'line': {
          var x1;
          var y1;
          var x2;
          var y2;
          if (Math.abs(v.b) > Math.abs(v.a)) {
            x1 = xmin; x2 = xmax; y1 = (v.c - v.a * x1) / v.b; y2 = (v.c - v.a * x2) / v.b;
          } else {
            y1 = ymin; y2 = ymax; x1 = (v.c - v.b * y1) / v.a; x2 = (v.c - v.b * y2) / v.a;
          }
          prims.push({ k: 'line', x1: X(x1), y1: Y(y1), x2: X(x2), y2: Y(y2), color: color, width: 2, label: name });
          if (label) later.push({ k: 'text', x: (X(x1) * 3 + X(x2)) / 4 + 6, y: (Y(y1) * 3 + Y(y2)) / 4 - 6, s: label, color: color, label: name });
          break;
        }
        case 'segment':
          prims.push({ k: 'line', x1: X(v.p.x), y1: Y(v.p.y), x2: X(v.q.x), y2: Y(v.q.y), color: color, width: 2, label: name });
          if (label) later.push({ k: 'text', x: X((v.p.x + v.q.x) / 2) + 6, y: Y((v.p.y + v.q.y) / 2) - 6, s: label, color: color, label: name });
          break;
        case 'vector':
          prims.push({ k: 'line', x1: X(0), y1: Y(0), x2: X(v.x), y2: Y(v.y), color: color, width: 2, label: name, arrow: true });
          break;
        case 'function': {
          var f = fnOf(v, new Ctx(con));
          var run = [];
          var n = Math.max(50, Math.round(w / 2));
          for (i = 0; i <= n; i++) {
            var x = xmin + (xmax - xmin) * i / n;
            var y;
            try { y = f(x); } catch (e) { y = NaN; }
            if (isFinite(y) && Math.abs(y) < 1e6) run.push([X(x), Y(y)]);
            else if (run.length) { prims.push({ k: 'polyline', pts: run, color: color, label: name }); run = []; }
          }
          if (run.length > 1) prims.push({ k: 'polyline', pts: run, color: color, label: name });
          break;
        }
        case 'point':
          later.push({ k: 'dot', x: X(v.x), y: Y(v.y), r: 4, color: color, label: name });
          if (label) later.push({ k: 'text', x: X(v.x) + 6, y: Y(v.y) - 6, s: label, color: color, label: name });
          break;
        case 'list':
          v.items.forEach(function (it) {
            if (it.t === 'point' && valueDefined(it)) later.push({ k: 'dot', x: X(it.x), y: Y(it.y), r: 3, color: color, label: name });
          });
          break;
        default:
          break; // numbers, texts, booleans: shown in no view of the double
      }
    });
    return prims.concat(later);
  }
  function svgFromScene(prims, view) {
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + view.width + '" height="' + view.height +
      '" viewBox="0 0 ' + view.width + ' ' + view.height + '" data-ggbmagic-double="true">',
      '<title>ggbmagic test double (not GeoGebra)</title>',
      '<rect x="0" y="0" width="' + view.width + '" height="' + view.height + '" fill="#FFFFFF"/>'];
    var attr = function (p) { return p.label ? ' data-label="' + esc(p.label) + '"' : ''; };
    prims.forEach(function (p) {
      switch (p.k) {
        case 'line':
          out.push('<line x1="' + p.x1 + '" y1="' + p.y1 + '" x2="' + p.x2 + '" y2="' + p.y2 + '" stroke="' + p.color +
            '" stroke-width="' + p.width + '"' + attr(p) + '/>');
          if (p.arrow) {
            var ang = Math.atan2(p.y2 - p.y1, p.x2 - p.x1);
            var a1 = [p.x2 - 10 * Math.cos(ang - 0.4), p.y2 - 10 * Math.sin(ang - 0.4)];
            var a2 = [p.x2 - 10 * Math.cos(ang + 0.4), p.y2 - 10 * Math.sin(ang + 0.4)];
            out.push('<polygon points="' + [[p.x2, p.y2], a1, a2].map(function (q) { return q.join(','); }).join(' ') + '" fill="' + p.color + '"' + attr(p) + '/>');
          }
          break;
        case 'poly':
          out.push('<polygon points="' + p.pts.map(function (q) { return q.join(','); }).join(' ') + '" stroke="' + p.color +
            '" stroke-width="2" fill="' + p.fill + '" fill-opacity="0.1"' + attr(p) + '/>');
          break;
        case 'polyline':
          out.push('<polyline points="' + p.pts.map(function (q) { return q.join(','); }).join(' ') + '" stroke="' + p.color +
            '" stroke-width="2" fill="none"' + attr(p) + '/>');
          break;
        case 'circle':
          out.push('<circle cx="' + p.cx + '" cy="' + p.cy + '" r="' + p.r + '" stroke="' + p.color + '" stroke-width="2" fill="none"' + attr(p) + '/>');
          break;
        case 'dot':
          out.push('<circle cx="' + p.x + '" cy="' + p.y + '" r="' + p.r + '" fill="' + p.color + '" stroke="#000000" stroke-width="0.5"' + attr(p) + '/>');
          break;
        case 'text':
          out.push('<text x="' + p.x + '" y="' + p.y + '" fill="' + p.color + '" font-family="sans-serif" font-size="14"' + attr(p) + '>' + esc(p.s) + '</text>');
          break;
      }
    });
    out.push('<text x="6" y="' + (view.height - 6) + '" fill="#9E9E9E" font-family="sans-serif" font-size="10">ggbmagic test double</text>');
    out.push('</svg>');
    return out.join('\n');
  }
  function drawSceneOnCanvas(ctx2d, prims, view, transparent) {
    if (!transparent) { ctx2d.fillStyle = '#FFFFFF'; ctx2d.fillRect(0, 0, view.width, view.height); }
    prims.forEach(function (p) {
      ctx2d.strokeStyle = p.color;
      ctx2d.fillStyle = p.color;
      ctx2d.globalAlpha = 1;
      ctx2d.lineWidth = p.width || 2;
      ctx2d.beginPath();
      switch (p.k) {
        case 'line': ctx2d.moveTo(p.x1, p.y1); ctx2d.lineTo(p.x2, p.y2); ctx2d.stroke(); break;
        case 'poly':
        case 'polyline':
          p.pts.forEach(function (q, i) { if (i) ctx2d.lineTo(q[0], q[1]); else ctx2d.moveTo(q[0], q[1]); });
          if (p.k === 'poly') { ctx2d.closePath(); ctx2d.globalAlpha = 0.1; ctx2d.fill(); ctx2d.globalAlpha = 1; }
          ctx2d.stroke();
          break;
        case 'circle': ctx2d.arc(p.cx, p.cy, p.r, 0, 2 * Math.PI); ctx2d.stroke(); break;
        case 'dot': ctx2d.arc(p.x, p.y, p.r, 0, 2 * Math.PI); ctx2d.fill(); break;
        case 'text': ctx2d.font = '14px sans-serif'; ctx2d.fillText(p.s, p.x, p.y); break;
      }
    });
    ctx2d.globalAlpha = 1;
    ctx2d.fillStyle = '#9E9E9E';
    ctx2d.font = '10px sans-serif';
    ctx2d.fillText('ggbmagic test double', 6, view.height - 6);
  }

  // ---------------------------------------------------------------------
  // The API object (what appletOnLoad receives).
  // ---------------------------------------------------------------------
  var FAIL_VALUES = {
    evalCommand: false, evalCommandGetLabels: null, evalCommandCAS: '?', renameObject: false,
    exists: false, isDefined: false, getValue: 0, getValueString: '', getXML: ''
  };

  function createApi(params, opts) {
    params = params || {};
    opts = opts || {};
    var view = {
      width: Number(params.width) || 800,
      height: Number(params.height) || 600,
      grid: params.showGrid !== false,
      axes: params.showAxes !== false,
      xZero: 215,
      yZero: 315,
      xscale: SCALE,
      yscale: SCALE,
      // The device pixel ratio the view was drawn for. Like GeoGebra's canvas backing
      // store it follows the ratio only when the applet is built, resized to another
      // size, or told with recalculateEnvironments(): a setSize to the same size does
      // nothing (docs/architecture.md, Sizing). Shown as data-ggb-double-dpr.
      dpr: (root && root.devicePixelRatio) || 1
    };
    var container = opts.container || null;
    var api = {};
    var failures = {};
    var calls = [];
    var initialXML = null;

    // Redraw at most once a frame: rebuilding the whole SVG on every change made a
    // 1,000-line script quadratic in the double (exports build their own scene).
    var renderPending = false;
    function renderNow() {
      renderPending = false;
      // Benchmark hook: window.__ggbDoubleNoRender = true skips drawing, so the
      // transport can be timed without the double's rendering on the main thread.
      if (!container || (root && root.__ggbDoubleNoRender)) return;
      container.style.width = view.width + 'px';
      container.style.height = view.height + 'px';
      container.setAttribute('data-ggb-double-dpr', String(view.dpr));
      container.innerHTML = svgFromScene(buildScene(con, view), view);
    }
    function render() {
      if (!container || renderPending) return;
      renderPending = true;
      var schedule = root && typeof root.requestAnimationFrame === 'function'
        ? root.requestAnimationFrame.bind(root)
        : function (fn) { setTimeout(fn, 0); };
      schedule(renderNow);
    }
    var con = new Construction(render);
    con.blockJs = !!params.useBrowserForJS;
    con.libraryJS = DEFAULT_INIT;
    con.lazy = !!opts.lazyModules;
    function viewFields() {
      return { xZero: view.xZero, yZero: view.yZero, scale: view.xscale, yscale: view.yscale, viewNo: 1 };
    }

    function runLines(s, wantLabels) {
      var lines = String(s).split('\n');
      var ok = true;
      var failed = false;
      var created = [];
      var any = false;
      lines.forEach(function (line) {
        if (!line.trim()) return;
        any = true;
        try {
          var r = con.evalStatement(line);
          created = created.concat(r.labels);
          if (!r.labels.length && !wantLabels) ok = false; // nothing labelled was created
        } catch (e) {
          if (e && e.ggbLazy) throw e; // GeoGebra throws out of the whole call
          ok = false;
          if (!(e instanceof EvalError_) && root && root.console) root.console.error(LOG_PREFIX + 'internal error in ' + JSON.stringify(line), e);
        }
      });
      // GeoGebra: a bad line is skipped silently; null when nothing got a label
      // (a failure and a scripting command look the same).
      if (wantLabels) return created.length ? created.join(',') : null;
      return any && ok;
    }
    function asyncLabels(s) {
      // Loads whatever command modules the text needs, then runs it; failures
      // resolve null, as in GeoGebra.
      return new Promise(function (resolve) {
        setTimeout(function () {
          String(s).split('\n').forEach(function (line) {
            try { lazyModulesOf(parseStatement(line).expr).forEach(function (m) { loadedModules[m] = true; }); } catch (e) { /* a bad line fails below */ }
          });
          var out = null;
          try { out = runLines(s, true); } catch (e) { out = null; }
          resolve(out);
        }, 0);
      });
    }
    function geo(name) { return con.geos.get(String(name)); }
    function evalQuietly(text) {
      try {
        var v = evalArg(parseExpression(text), new Ctx(con));
        return v && v.t !== 'action' ? v : null;
      } catch (e) {
        return null;
      }
    }

    var methods = {
      evalCommand: function (s) { return runLines(s, false); },
      evalCommandGetLabels: function (s) { return runLines(s, true); },
      asyncEvalCommandGetLabels: function (s) { return asyncLabels(s); },
      // Measured on 5.0.745.0: the promise resolves '' whether the command ran, failed or
      // was a scripting command (conformance row "asyncEvalCommand").
      asyncEvalCommand: function (s) { return asyncLabels(s).then(function () { return ''; }); },
      // The webSimple bundle has no CAS: GeoGebra answers '?'.
      evalCommandCAS: function () { return '?'; },
      exists: function (name) { return con.geos.has(String(name)); },
      isDefined: function (name) { var g = geo(name); return !!g && valueDefined(g.value); },
      isIndependent: function (name) { var g = geo(name); return !!g && g.free; },
      isMoveable: function (name) { var g = geo(name); return !!g && g.free && !g.fixed && (g.value.t === 'point' || isNumeric(g.value)); },
      getObjectType: function (name) { var g = geo(name); return g ? objectType(g.value) : ''; },
      getAllObjectNames: function (type) {
        var t = type ? String(type).toLowerCase() : null;
        return con.order.filter(function (n) { return !t || objectType(con.geos.get(n).value) === t; });
      },
      getObjectNumber: function () { return con.order.length; },
      getObjectName: function (i) { return con.order[i]; },
      getValue: function (name) {
        var g = geo(name);
        // Not an object's name: GeoGebra evaluates it as an expression (0 on failure).
        var v = g ? g.value : evalQuietly(String(name));
        if (!v) return 0;
        if (isNumeric(v)) return v.v;
        if (v.t === 'boolean') return v.v ? 1 : 0;
        if (v.t === 'segment') return segLen(v);
        if (v.t === 'polygon') return Math.abs(polyArea(v.pts));
        return g ? NaN : 0; // points, lines, functions, lists, texts: NaN
      },
      getValueString: function (name) { var g = geo(name); return g ? valueString(g.name, g.value) : ''; },
      getXcoord: function (name) { var g = geo(name); return g && isPointLike(g.value) ? g.value.x : 0; },
      getYcoord: function (name) { var g = geo(name); return g && isPointLike(g.value) ? g.value.y : 0; },
      getZcoord: function () { return 0; },
      getCommandString: function (name) { var g = geo(name); return g ? commandString(g) : ''; },
      getDefinitionString: function (name) { var g = geo(name); return g ? definitionString(g, con) : ''; },
      getColor: function (name) { var g = geo(name); return g ? '#' + g.color.map(hex2).join('') : ''; },
      setColor: function (name, r, g, b) { con.setColor(String(name), r, g, b); },
      getVisible: function (name) { var g = geo(name); return !!g && g.visible; },
      setVisible: function (name, visible) {
        var g = geo(name);
        if (!g) return;
        g.visible = !!visible;
        con.client('updateStyle', g.name, g.name);
        render();
      },
      getLabelVisible: function (name) { var g = geo(name); return !!g && g.labelVisible; },
      // GeoGebra 5.0.745.0: setLabelVisible fires an update of the object, setFixed an
      // updateStyle client event (conformance rows "setLabelVisible", "setFixed").
      setLabelVisible: function (name, visible) { var g = geo(name); if (g) { g.labelVisible = !!visible; con.fireUpdate(g.name); render(); } },
      setFixed: function (name, fixed) { var g = geo(name); if (g) { g.fixed = !!fixed; con.client('updateStyle', g.name, g.name); } },
      // Redraws at the page's current device pixel ratio; answers nothing.
      recalculateEnvironments: function () { view.dpr = (root && root.devicePixelRatio) || 1; render(); },
      getCaption: function (name) { var g = geo(name); return g ? g.caption : ''; },
      setCaption: function (name, caption) { var g = geo(name); if (g) { g.caption = String(caption); render(); } },
      setCoords: function (name, x, y) { con.setCoords(String(name), Number(x), Number(y)); },
      setValue: function (name, v) { con.setNumber(String(name), Number(v)); },
      setTextValue: function (name, s) {
        var g = geo(name);
        if (g && g.free && g.value.t === 'text') { g.value = TEXT(s); con.changed(g.name); }
      },
      renameObject: function (oldName, newName) {
        if (con.geos.has(String(oldName)) && con.geos.has(String(newName))) throw new Error('NameUsed');
        return con.rename(String(oldName), String(newName));
      },
      deleteObject: function (name) { con.deleteObject(String(name)); },
      // GeoGebra 5.0.745 fires no clear (nor remove) event here.
      newConstruction: function () { con.clear(true); },
      reset: function () {
        con.clear(true);
        if (initialXML) con.evalXML(initialXML);
      },
      getXML: function (name) { return con.getXML(name ? String(name) : null, view); },
      setXML: function (xml) {
        con.clear(true);
        con.client('viewPropertiesChanged', null, '1');
        con.client('viewChanged2D', null, undefined, viewFields());
        con.evalXML(xml);
      },
      evalXML: function (xml) { con.evalXML(xml); },
      getFileJSON: function () {
        return { archive: [{ fileName: 'geogebra.xml', fileContent: con.getXML(null, view) }] };
      },
      setFileJSON: function (json) {
        var entry = (json && json.archive || []).filter(function (e) { return e.fileName === 'geogebra.xml'; })[0];
        if (!entry) throw new Error('setFileJSON: no geogebra.xml in archive');
        methods.setXML(entry.fileContent);
      },
      getBase64: function (callback) {
        // The same three entries as GeoGebra's .ggb files (the double reads only geogebra.xml).
        var b64 = b64encode(zipStore([
          { name: 'geogebra.xml', data: utf8(con.getXML(null, view)) },
          { name: 'geogebra_defaults2d.xml', data: utf8('<?xml version="1.0" encoding="utf-8"?>\n<geogebra format="5.0" platform="ggbmagic-test-double">\n<construction></construction>\n</geogebra>') },
          { name: 'geogebra_javascript.js', data: utf8(con.libraryJS) }
        ]));
        if (typeof callback === 'function') {
          setTimeout(function () { callback(b64); }, 0);
          return null;
        }
        return b64;
      },
      // Loads asynchronously and, as in GeoGebra 5.0.745, never calls the callback.
      setBase64: function (b64) {
        loadBase64(String(b64), function (err) {
          if (err && root && root.console) root.console.error(LOG_PREFIX + 'setBase64 failed: ' + err.message);
        }, true);
      },
      getPNGBase64: function (scale, transparent) {
        var doc = root && root.document;
        if (!doc || typeof doc.createElement !== 'function') throw new Error('getPNGBase64 needs a browser canvas (the double cannot rasterise under node)');
        var s = Number(scale) > 0 ? Number(scale) : 1;
        var canvas = doc.createElement('canvas');
        canvas.width = Math.max(1, Math.round(view.width * s));
        canvas.height = Math.max(1, Math.round(view.height * s));
        var ctx2d = canvas.getContext('2d');
        ctx2d.scale(s, s);
        drawSceneOnCanvas(ctx2d, buildScene(con, view), view, !!transparent);
        return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
      },
      // GeoGebra returns nothing: the SVG goes to the callback, or (a file name or
      // nothing) to a download, which the double only warns about.
      exportSVG: function (callbackOrFilename) {
        var svg = svgFromScene(buildScene(con, view), view);
        if (typeof callbackOrFilename === 'function') { callbackOrFilename(svg); return undefined; }
        if (root && root.console) root.console.warn(LOG_PREFIX + 'exportSVG without a callback downloads nothing here');
        return undefined;
      },
      getVersion: function () { return VERSION_STRING; },
      setSize: function (w, h) {
        var width = Math.max(1, Math.round(Number(w) || view.width));
        var height = Math.max(1, Math.round(Number(h) || view.height));
        if (width !== view.width || height !== view.height) view.dpr = (root && root.devicePixelRatio) || 1;
        view.width = width;
        view.height = height;
        render();
        // GeoGebra tells the listeners a little later.
        setTimeout(function () {
          con.client('viewPropertiesChanged', null, '1');
          con.client('viewChanged2D', null, undefined, viewFields());
          con.client('viewChanged2D', null, undefined, viewFields());
        }, 0);
      },
      // As GeoGebra 5.0.745 (measured): a JSON string; the window is xMin..xMin +
      // width * invXscale. left/top (the view's place on the page) are 0 here.
      getViewProperties: function () {
        return JSON.stringify({
          invXscale: 1 / view.xscale, invYscale: 1 / view.yscale,
          xMin: -view.xZero / view.xscale, yMin: -(view.height - view.yZero) / view.yscale,
          width: view.width, height: view.height, left: 0, top: 0
        });
      },
      // Synchronous, as GeoGebra's (measured): the next export shows the new window.
      setCoordSystem: function (xmin, xmax, ymin, ymax) {
        var a = [xmin, xmax, ymin, ymax].map(Number);
        if (!a.every(isFinite) || !(a[0] < a[1]) || !(a[2] < a[3])) return;
        view.xscale = view.width / (a[1] - a[0]);
        view.yscale = view.height / (a[3] - a[2]);
        view.xZero = -a[0] * view.xscale;
        view.yZero = a[3] * view.yscale;
        render();
        con.client('viewChanged2D', null, undefined, viewFields());
      },
      // The webSimple bundle has no perspectives: GeoGebra 5.0.745.0 throws a TypeError
      // from inside (conformance row "setPerspective").
      setPerspective: function () { throw new TypeError("Cannot read properties of null (reading 'perspective')"); },
      setErrorDialogsActive: function () {},
      setMode: function (mode) { con.client('setMode', null, String(mode)); },
      setAxesVisible: function (x) { view.axes = !!x; render(); },
      setGridVisible: function (g) { view.grid = !!g; render(); },
      setAuxiliary: function () {},
      showToolBar: function () {},
      showMenuBar: function () {},
      showAlgebraInput: function () {},
      remove: function () {
        if (container && container.parentNode) container.parentNode.removeChild(container);
        container = null;
      }
    };

    // Listener registration, all with their unregister twins.
    [['Add', 'add'], ['Remove', 'remove'], ['Update', 'update'], ['Rename', 'rename'], ['Clear', 'clear'],
      ['Client', 'client'], ['Click', 'click'], ['StoreUndo', 'storeUndo']].forEach(function (pair) {
      var list = con.listeners[pair[1]];
      methods['register' + pair[0] + 'Listener'] = function (fn) { list.push(fn); };
      methods['unregister' + pair[0] + 'Listener'] = function (fn) {
        for (var i = list.length - 1; i >= 0; i--) if (list[i] === fn) list.splice(i, 1);
      };
    });
    methods.registerObjectUpdateListener = function (name, fn) {
      var g = geo(name);
      if (g) g.objListeners.push(fn);
    };
    methods.unregisterObjectUpdateListener = function (name) {
      var g = geo(name);
      if (g) g.objListeners = [];
    };

    // GeoGebra 5.0.745 after a file is opened (its kWg): a library script other than the
    // empty default is evaluated globally, unless useBrowserForJS; then the page's
    // window.ggbOnInit is called if the file had one or if useBrowserForJS (measured).
    function runInit() {
      var isDefault = /^\s*function ggbOnInit\(\) \{\}\s*$/.test(con.libraryJS);
      if (!isDefault && !params.useBrowserForJS) con.runJs(con.libraryJS);
      if ((!isDefault || params.useBrowserForJS) && root && typeof root.ggbOnInit === 'function') {
        try { root.ggbOnInit(params.id, api); } catch (e) { root.console.error(LOG_PREFIX + 'ggbOnInit threw', e); }
      }
    }

    function loadBase64(b64, done, fileEvents) {
      var entry, library;
      try {
        var entries = unzip(b64decode(b64));
        entry = entries.filter(function (e) { return e.name === 'geogebra.xml'; })[0];
        library = entries.filter(function (e) { return e.name === 'geogebra_javascript.js'; })[0];
        if (!entry) throw new Error('no geogebra.xml in the file');
      } catch (e) {
        setTimeout(function () { done(e); }, 0);
        return;
      }
      var finish = done;
      done = function (err) {
        if (err) return finish(err);
        if (!library) {
          con.libraryJS = DEFAULT_INIT;
          runInit();
          return finish(null);
        }
        inflateEntry(library, function (e2, data) {
          con.libraryJS = e2 ? DEFAULT_INIT : fromUtf8(data);
          runInit();
          finish(null);
        });
      };
      inflateEntry(entry, function (err, data) {
        if (!err && crc32(data) !== entry.crc) err = new Error('CRC mismatch in geogebra.xml');
        // Loading a file is asynchronous in GeoGebra; keep it so here too.
        setTimeout(function () {
          if (err) return done(err);
          try {
            var xml = fromUtf8(data);
            parseXml(xml); // validate before clearing anything
            con.clear(true);
            if (fileEvents) {
              // What GeoGebra 5.0.745 sends while it opens a file.
              con.client('removeMacro');
              con.client('viewPropertiesChanged', null, '1');
              con.client('viewChanged2D', null, undefined, viewFields());
            }
            con.evalXML(xml);
            if (fileEvents) con.client('viewChanged2D', null, undefined, viewFields());
          } catch (e) {
            return done(e);
          }
          done(null);
        }, 0);
      });
    }

    // Public methods, each wrapped for failNext() and the call log.
    Object.keys(methods).forEach(function (m) {
      api[m] = function () {
        var args = Array.prototype.slice.call(arguments);
        if (calls.length < 5000) calls.push({ method: m, args: args.filter(function (a) { return typeof a !== 'function'; }) });
        if (failures[m] > 0) {
          failures[m]--;
          if (Object.prototype.hasOwnProperty.call(FAIL_VALUES, m)) return FAIL_VALUES[m];
          throw new Error(LOG_PREFIX + 'injected failure in ' + m);
        }
        return methods[m].apply(null, args);
      };
    });

    // Test hooks. Not part of GeoGebra's API.
    api.__double = {
      version: VERSION_STRING,
      params: params,
      calls: calls,
      view: view,
      failNext: function (method, times) {
        if (!methods[method]) throw new Error('unknown API method ' + method);
        failures[method] = (failures[method] || 0) + (times || 1);
      },
      drag: function (name, points) {
        var g = geo(name);
        if (!g || !g.free || g.value.t !== 'point') throw new Error('drag: ' + name + ' is not a free point');
        if (g.fixed) throw new Error('drag: ' + name + ' is fixed');
        // What GeoGebra 5.0.745 sends for a mouse drag of a point (measured with a real
        // mouse in headless Chromium): mouseDown with the hits, select, the updates,
        // dragEnd.
        con.client('mouseDown', null, undefined, { viewNo: 1, hits: [g.name], x: g.value.x, y: g.value.y });
        con.client('select', g.name, '');
        (points || []).forEach(function (pt) {
          con.setCoords(g.name, Number(pt[0]), Number(pt[1]));
        });
        con.client('dragEnd', g.name, g.name);
      },
      svg: function () { return svgFromScene(buildScene(con, view), view); },
      loadBase64: loadBase64,
      runInit: runInit,
      snapshotInitial: function () { initialXML = con.getXML(null, view); },
      construction: con
    };
    render();
    return api;
  }

  // ---------------------------------------------------------------------
  // Browser loader: GGBApplet.
  // ---------------------------------------------------------------------
  var registry = { applets: {}, version: VERSION_STRING, injections: [], codebases: [], isTestDouble: true };

  function GGBApplet() {
    var a = arguments;
    if (typeof a[0] === 'string' || typeof a[0] === 'number') {
      this.version = String(a[0]);
      this.params = a[1] || {};
      this.html5NoWebSimple = a[2];
    } else {
      this.version = null;
      this.params = a[0] || {};
      this.html5NoWebSimple = a[1];
    }
    this.codebase = null;
    this.api = null;
  }
  GGBApplet.prototype.setHTML5Codebase = function (url) {
    this.codebase = url;
    registry.codebases.push(url);
  };
  GGBApplet.prototype.setPreviewImage = function () {};
  GGBApplet.prototype.getAppletObject = function () { return this.api; };
  GGBApplet.prototype.getParameters = function () { return this.params; };
  GGBApplet.prototype.inject = function (target) {
    var doc = root.document;
    var el = typeof target === 'string' ? doc.getElementById(target) : target;
    var params = this.params;
    var id = params.id || 'ggbApplet';
    if (!el) {
      // Real GeoGebra gives up silently here; the double says so.
      root.console.warn(LOG_PREFIX + 'inject: no element ' + JSON.stringify(target) + '; nothing injected');
      return;
    }
    var count = (el.__ggbDoubleInjections || 0) + 1;
    el.__ggbDoubleInjections = count;
    el.setAttribute('data-ggbmagic-double-injections', String(count));
    if (count > 1) {
      root.console.warn(LOG_PREFIX + 'inject() called ' + count + ' times on the same element (applet id ' +
        JSON.stringify(id) + '); real GeoGebra would create another applet');
    }
    registry.injections.push({ id: id, element: el, count: count, codebase: this.codebase });
    var wrapper = doc.createElement('div');
    wrapper.className = 'ggbmagic-double-applet';
    wrapper.setAttribute('data-applet-id', id);
    wrapper.setAttribute('title', 'ggbmagic test double (not GeoGebra)');
    wrapper.style.position = 'relative';
    wrapper.style.overflow = 'hidden';
    el.appendChild(wrapper);
    var self = this;
    setTimeout(function () {
      var api = createApi(params, { container: wrapper, lazyModules: true });
      self.api = api;
      root[id] = api;
      registry.applets[id] = api;
      var ready = function () {
        api.__double.snapshotInitial();
        if (typeof params.appletOnLoad === 'function') {
          try { params.appletOnLoad(api); } catch (e) { root.console.error(LOG_PREFIX + 'appletOnLoad threw', e); }
        }
      };
      if (params.ggbBase64) {
        api.__double.loadBase64(String(params.ggbBase64), function (err) {
          if (err) root.console.error(LOG_PREFIX + 'ggbBase64 could not be loaded: ' + err.message);
          ready();
        });
      } else {
        api.__double.runInit();
        ready();
      }
    }, 50);
  };

  function installGlobals(win) {
    win.GGBApplet = GGBApplet;
    win.__ggbDouble = registry;
  }

  return {
    VERSION_STRING: VERSION_STRING,
    createApi: createApi,
    GGBApplet: GGBApplet,
    installGlobals: installGlobals,
    registry: registry,
    // Internals exposed for the double's own tests.
    _internal: {
      tokenize: tokenize, parseStatement: parseStatement, unparse: unparse, simplify: simplify,
      crc32: crc32, zipStore: zipStore, unzip: unzip, b64encode: b64encode, b64decode: b64decode,
      parseXml: parseXml, commands: Object.keys(COMMANDS)
    }
  };
});
