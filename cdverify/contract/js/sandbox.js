/*
 * cdverify's Postman script sandbox: what one pre-request or test script sees, in a V8 context of its own.
 *
 * Evaluating this file yields a factory. The host (engine.py) creates a fresh context for every script,
 * calls the factory once and keeps the functions it returns (run, settle, tick, deliver, ...) to itself: no
 * global names them, so a script cannot call them. The host drives the script: `run` executes its
 * synchronous part, then `settle` hands over its pm.sendRequest calls (answered with `deliver`), the host
 * calls `tick` for each due timer, so promise callbacks (microtasks) run between these calls as they do in
 * Node, and `settle` reports what the script did once nothing is left to run (`collect` reports alone,
 * after a limit stopped the script). Once the script has run, the host calls only functions that take no
 * arguments (but `deliver`): mini-racer hands arguments over through Array.prototype.push, which a
 * script may have replaced.
 *
 * A script may replace any global it likes (JSON.stringify, Object.keys, Array.prototype.push, ...): the
 * bookkeeping that the host reads uses intrinsics taken before the script ran and objects without a
 * prototype, so a script changes only what it does itself, never what the host is told about the others.
 *
 * The Postman API follows Postman's documentation and postman-sandbox 4.x (what newman 6 runs): pm.test
 * reports when it completes; the legacy `tests` object after the script's synchronous part, even when the
 * script threw; async tests when their `done` callback runs. Timers are virtual: callbacks run after the
 * synchronous part, in order of due time, without waiting. Response assertions (`pm.response.to.have.status`)
 * are chai-postman's own, loaded with chai and lodash from the packages the build bundles.
 */
(function () {
    "use strict";

    // ---- intrinsics, taken before any script runs ---------------------------------------------------------

    var globalObject = globalThis;
    var jsonStringify = JSON.stringify;
    var jsonParse = JSON.parse;
    var keysOf = Object.keys;
    var create = Object.create;
    var defineProperty = Object.defineProperty;
    var StringOf = String;
    var FunctionOf = Function;
    var applyFunction = Reflect.apply;
    var prototypeOf = Object.getPrototypeOf;
    var isArray = Array.isArray;
    var hasOwn = Object.prototype.hasOwnProperty;
    var sliceString = String.prototype.slice;
    var VARIABLE = /\{\{([^{}]*?)}}/g;
    var MAX_DEPTH = 19;

    // a list the host reads: no prototype, so no setter or toJSON a script adds to Array.prototype applies
    function newList() {
        var list = create(null);
        list.length = 0;
        return list;
    }
    function listAdd(list, item) {
        list[list.length] = item;
        list.length += 1;
    }
    function text(value) {
        try {
            return StringOf(value);
        } catch (error) {
            return "[unprintable]";
        }
    }
    // JSON text of the host's records, built from primitives only (JSON.stringify of a string or number
    // looks up no toJSON)
    function encode(value) {
        if (value === null || value === undefined) {
            return "null";
        }
        var kind = typeof value;
        if (kind === "string" || kind === "number" || kind === "boolean") {
            return jsonStringify(value);
        }
        var out, i;
        if (isArray(value) || (prototypeOf(value) === null && typeof value.length === "number")) {
            out = "[";
            for (i = 0; i < value.length; i++) {
                out += (i ? "," : "") + encode(value[i]);
            }
            return out + "]";
        }
        var names = keysOf(value);
        out = "{";
        for (i = 0; i < names.length; i++) {
            out += (i ? "," : "") + jsonStringify(names[i]) + ":" + encode(value[names[i]]);
        }
        return out + "}";
    }

    // ---- modules: the files the host handed over, loaded the way browserify's bundle loads them ----------

    var modules = { files: create(null), roots: create(null), cache: create(null), pending: [], withheld: false };
    // the root of a package the host withheld from this context (it makes a context with the core packages
    // only for scripts that name them): reaching it, or pm.sendRequest, marks the run `withheld`, and the
    // host discards everything the script did and runs it again in a context with every package
    var WITHHELD = "<withheld>";
    function isLean() {
        var names = keysOf(modules.roots);
        for (var i = 0; i < names.length; i++) {
            if (modules.roots[names[i]] === WITHHELD) {
                return true;
            }
        }
        return false;
    }
    // the host hands files over as JSON text, parsed when a script first requires something: a script
    // that requires nothing never pays for parsing a megabyte of sources
    function unpackFiles() {
        while (modules.pending.length) {
            var given = jsonParse(modules.pending.shift());
            var paths = keysOf(given);
            for (var i = 0; i < paths.length; i++) {
                modules.files[paths[i]] = given[paths[i]];
            }
        }
    }
    var timerApi;  // set per run; modules get the same virtual timers as the script
    var processShim = {
        env: {}, argv: [], browser: true, version: "", versions: {}, platform: "browser", title: "browser",
        cwd: function () { return "/"; },
        nextTick: function (fn) {
            var args = Array.prototype.slice.call(arguments, 1);
            Promise.resolve().then(function () { fn.apply(null, args); });
        }
    };

    function moduleNotFound(name) {
        var error = new Error("Cannot find module '" + name + "'");
        error.code = "MODULE_NOT_FOUND";
        return error;
    }
    function loadFile(path, asked) {
        if (path === "<empty>") {
            return {};  // the browser field maps this module to false
        }
        if (path === WITHHELD) {
            modules.withheld = true;
            throw moduleNotFound(asked);
        }
        unpackFiles();
        if (path === null || path === undefined || !hasOwn.call(modules.files, path)) {
            throw moduleNotFound(asked);
        }
        var cached = modules.cache[path];
        if (cached) {
            return cached.exports;
        }
        var file = modules.files[path];
        var module = { exports: {}, id: path, filename: path, loaded: false };
        modules.cache[path] = module;
        if (file.json) {
            module.exports = jsonParse(file.source);
        } else {
            var requireHere = function (specifier) {
                if (specifier === "timers") {
                    return timerApi;
                }
                if (!hasOwn.call(file.requires, specifier)) {
                    throw moduleNotFound(specifier);
                }
                return loadFile(file.requires[specifier], specifier);
            };
            var dirname = path.slice(0, path.lastIndexOf("/"));
            var wrapper = new FunctionOf("exports", "require", "module", "__filename", "__dirname", "process",
                "global", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate",
                "clearImmediate", file.source + "\n//# sourceURL=" + path);
            wrapper.call(module.exports, module.exports, requireHere, module, "/" + path, "/" + dirname,
                processShim, globalObject, timerApi.setTimeout, timerApi.clearTimeout, timerApi.setInterval,
                timerApi.clearInterval, timerApi.setImmediate, timerApi.clearImmediate);
        }
        module.loaded = true;
        return module.exports;
    }
    // require() as scripts see it: the packages Postman's sandbox provides, by name
    function requireModule(name) {
        name = StringOf(name);
        if (name === "timers") {
            return timerApi;
        }
        if (!hasOwn.call(modules.roots, name)) {
            throw moduleNotFound(name);
        }
        return loadFile(modules.roots[name], name);
    }

    // chai with chai-postman's assertions (pm.expect, pm.response.to...), loaded on first use
    var chai;
    function isKind(kind) {
        return function (obj) { return Boolean(obj) && obj.__cdverifyKind === kind; };
    }
    function loadChai() {
        if (chai === undefined) {
            chai = requireModule("chai");
            var lodash = requireModule("lodash");
            var sdk = { Request: { isRequest: isKind("request") }, Response: { isResponse: isKind("response") } };
            // Ajv only for jsonSchema assertions: loaded when one is made
            var LazyAjv = function (options) {
                var Ajv = requireModule("ajv");
                return new Ajv(options);
            };
            chai.use(requireModule("chai-postman")(sdk, lodash, LazyAjv));
        }
        return chai;
    }

    // {{$guid}}, {{$randomFirstName}}, ...: the dynamic variables, from the host's dynamic-variable module
    function dynamicValue(name) {
        if (!hasOwn.call(modules.roots, "cdverify:dynamic")) {
            return { found: false };
        }
        var generate = requireModule("cdverify:dynamic");
        return generate(name);
    }

    // ---- variable scopes -------------------------------------------------------------------------------

    function VariableScope(values) {
        Object.defineProperty(this, "_values", { value: values || {}, writable: true });
    }
    VariableScope.prototype.get = function (key) {
        return hasOwn.call(this._values, key) ? this._values[key] : undefined;
    };
    VariableScope.prototype.set = function (key, value) {
        this._values[key] = value;
        return this;
    };
    VariableScope.prototype.unset = function (key) {
        delete this._values[key];
        return this;
    };
    VariableScope.prototype.has = function (key) {
        return hasOwn.call(this._values, key);
    };
    VariableScope.prototype.clear = function () {
        this._values = {};
    };
    VariableScope.prototype.toObject = function () {
        return Object.assign({}, this._values);
    };
    VariableScope.prototype.replaceIn = function (template) {
        return substitute(template, [this]);
    };

    // pm.variables: local values first, then iteration data, environment, collection, globals.
    function LayeredScope(layers) {
        Object.defineProperty(this, "_layers", { value: layers });
    }
    LayeredScope.prototype.get = function (key) {
        for (var i = 0; i < this._layers.length; i++) {
            if (this._layers[i].has(key)) {
                return this._layers[i].get(key);
            }
        }
        return undefined;
    };
    LayeredScope.prototype.has = function (key) {
        return this._layers.some(function (layer) { return layer.has(key); });
    };
    LayeredScope.prototype.set = function (key, value) {
        this._layers[0].set(key, value);
        return this;
    };
    LayeredScope.prototype.unset = function (key) {
        this._layers[0].unset(key);
        return this;
    };
    LayeredScope.prototype.clear = function () {
        this._layers[0].clear();
    };
    LayeredScope.prototype.toObject = function () {
        var merged = {};
        for (var i = this._layers.length - 1; i >= 0; i--) {
            Object.assign(merged, this._layers[i]._values);
        }
        return merged;
    };
    LayeredScope.prototype.replaceIn = function (template) {
        return substitute(template, this._layers);
    };

    // false until run() has loaded the host's scopes: a script stopped before that (its payload too big
    // for the heap) hands back no scopes, so the host keeps its own instead of taking these empty ones
    var scopesLoaded = false;
    var scopes = {
        globals: new VariableScope(),
        environment: new VariableScope(),
        collectionVariables: new VariableScope(),
        data: new VariableScope(),
        local: new VariableScope()
    };

    function layers() {
        return [scopes.local, scopes.data, scopes.environment, scopes.collectionVariables, scopes.globals];
    }

    function lookup(name, scopeList) {
        for (var i = 0; i < scopeList.length; i++) {
            if (scopeList[i].has(name)) {
                return { found: true, value: scopeList[i].get(name) };
            }
        }
        if (name.charAt(0) === "$") {
            return dynamicValue(name);
        }
        return { found: false };
    }

    function substitute(template, scopeList) {
        if (typeof template !== "string") {
            return template;
        }
        var text = template;
        for (var depth = 0; depth < MAX_DEPTH && text.indexOf("{{") !== -1; depth++) {
            var changed = false;
            text = text.replace(VARIABLE, function (whole, name) {
                var hit = lookup(name, scopeList);
                if (!hit.found || hit.value === undefined) {
                    return whole;
                }
                changed = true;
                var value = hit.value;
                return (value !== null && typeof value === "object") ? JSON.stringify(value) : String(value);
            });
            if (!changed) {
                break;
            }
        }
        return text;
    }

    // ---- headers, URL, request and response objects ---------------------------------------------------

    function HeaderList(pairs) {
        Object.defineProperty(this, "_pairs", { value: (pairs || []).map(function (p) { return { key: p[0], value: p[1] }; }) });
    }
    HeaderList.prototype._find = function (key) {
        var wanted = String(key).toLowerCase();
        var hit;
        this._pairs.forEach(function (pair) {
            if (pair.key.toLowerCase() === wanted) {
                hit = pair;
            }
        });
        return hit;
    };
    HeaderList.prototype.get = function (key) {
        var pair = this._find(key);
        return pair ? pair.value : undefined;
    };
    HeaderList.prototype.one = function (key) {
        return this._find(key);
    };
    HeaderList.prototype.has = function (key, value) {
        var pair = this._find(key);
        return arguments.length > 1 ? Boolean(pair) && pair.value === value : Boolean(pair);
    };
    HeaderList.prototype.all = function () {
        return this._pairs.slice();
    };
    HeaderList.prototype.count = function () {
        return this._pairs.length;
    };
    HeaderList.prototype.idx = function (index) {
        return this._pairs[index];
    };
    HeaderList.prototype.each = function (fn, context) {
        this._pairs.forEach(fn, context);
    };
    HeaderList.prototype.map = function (fn, context) {
        return this._pairs.map(fn, context);
    };
    HeaderList.prototype.filter = function (fn, context) {
        return this._pairs.filter(fn, context);
    };
    HeaderList.prototype.find = function (fn, context) {
        return this._pairs.find(fn, context);
    };
    HeaderList.prototype.toObject = function () {
        var out = {};
        this._pairs.forEach(function (pair) { out[pair.key.toLowerCase()] = pair.value; });
        return out;
    };
    HeaderList.prototype.toJSON = function () {
        return this._pairs.slice();
    };
    HeaderList.prototype.toString = function () {
        return this._pairs.map(function (pair) { return pair.key + ": " + pair.value + "\n"; }).join("");
    };
    HeaderList.prototype.add = function (header) {
        this._pairs.push({ key: String(header.key), value: String(header.value) });
    };
    HeaderList.prototype.remove = function (key) {
        var wanted = String(key && key.key !== undefined ? key.key : key).toLowerCase();
        for (var i = this._pairs.length - 1; i >= 0; i--) {
            if (this._pairs[i].key.toLowerCase() === wanted) {
                this._pairs.splice(i, 1);
            }
        }
    };
    HeaderList.prototype.upsert = function (header) {
        var pair = this._find(header.key);
        if (pair) {
            pair.value = String(header.value);
        } else {
            this.add(header);
        }
    };

    function Url(text) {
        this._text = String(text);
    }
    Url.prototype.toString = function () {
        return this._text;
    };
    Url.prototype.getHost = function () {
        var match = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]*)/i.exec(this._text);
        return match ? match[1] : "";
    };
    Url.prototype.getPath = function () {
        var match = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)/i.exec(this._text);
        return match && match[1] ? match[1] : "/";
    };
    Url.prototype.getQueryString = function () {
        var index = this._text.indexOf("?");
        return index === -1 ? "" : this._text.slice(index + 1).split("#")[0];
    };
    Url.prototype.update = function (text) {
        this._text = String(text);
    };
    Object.defineProperty(Url.prototype, "query", {
        get: function () {
            var pairs = this.getQueryString() ? this.getQueryString().split("&") : [];
            return new HeaderList(pairs.map(function (pair) {
                var at = pair.indexOf("=");
                return at === -1 ? [pair, null] : [pair.slice(0, at), pair.slice(at + 1)];
            }));
        }
    });

    function requestObject(request) {
        var out = {
            id: request.id,
            name: request.name,
            method: request.method,
            url: new Url(request.url),
            headers: new HeaderList(request.headers),
            body: request.body ? Object.assign({ toString: function () { return request.body.raw || ""; } }, request.body) : undefined
        };
        Object.defineProperty(out, "to", { get: function () { return loadChai().expect(this).to; } });
        Object.defineProperty(out, "__cdverifyKind", { value: "request" });
        return out;
    }

    // Postman's lenient JSON (liquid-json): a leading byte-order mark is not an error.
    // Its errors are JSONErrors, as in newman (the wording of the message is V8's).
    var lenientJSON = {
        parse: function (text, reviver) {
            if (typeof text === "string" && text.charCodeAt(0) === 0xfeff) {
                text = text.slice(1);
            }
            try {
                return JSON.parse(text, reviver);
            } catch (error) {
                var wrapped = new Error(error.message);
                wrapped.name = "JSONError";
                throw wrapped;
            }
        },
        stringify: JSON.stringify
    };

    function responseObject(response) {
        var out = {
            code: response.code,
            status: response.status,
            headers: new HeaderList(response.headers),
            responseTime: response.responseTime,
            responseSize: response.responseSize,
            cookies: cookieList(response.cookies || []),
            text: function () { return response.body; },
            json: function (reviver) { return lenientJSON.parse(response.body, reviver); },
            reason: function () { return response.status; },
            details: function () {
                return response.code === undefined ? {} : { code: response.code, name: response.status, detail: "" };
            },
            size: function () {
                return { body: response.responseSize, header: response.headerSize, total: response.responseSize + response.headerSize };
            },
            dataURI: function () { return "data:" + (this.headers.get("content-type") || "") + ";base64,"; }
        };
        Object.defineProperty(out, "__cdverifyKind", { value: "response" });
        return out;
    }
    // pm.response: the only response with `.to` (a pm.sendRequest response has none, as in postman-sandbox)
    function scriptResponse(response) {
        var out = responseObject(response);
        Object.defineProperty(out, "to", { get: function () { return loadChai().expect(this).to; } });
        return out;
    }

    function cookieList(cookies) {
        var list = new HeaderList(cookies.map(function (c) { return [c.name, c.value]; }));
        list.toObject = function () {
            var out = {};
            cookies.forEach(function (c) { out[c.name] = c.value; });
            return out;
        };
        list.get = function (name) {
            var hit;
            cookies.forEach(function (c) { if (c.name === name) { hit = c.value; } });
            return hit;
        };
        list.has = function (name) {
            return cookies.some(function (c) { return c.name === name; });
        };
        list.all = function () { return cookies.slice(); };
        return list;
    }

    // ---- timers (virtual: run after the synchronous part, by due time, without waiting) ------------------

    function Timers() {
        this.queue = [];
        this.clock = 0;
        this.sequence = 0;
    }
    Timers.prototype.add = function (fn, delay, args, repeat) {
        var id = ++this.sequence;
        this.queue.push({ id: id, fn: fn, due: this.clock + Math.max(0, Number(delay) || 0), args: args, repeat: repeat ? Math.max(1, Number(delay) || 0) : 0 });
        return id;
    };
    Timers.prototype.clear = function (id) {
        this.queue = this.queue.filter(function (timer) { return timer.id !== id; });
    };
    Timers.prototype.api = function () {
        var timers = this;
        var slice = Array.prototype.slice;
        return {
            setTimeout: function (fn, delay) { return timers.add(fn, delay, slice.call(arguments, 2), false); },
            setInterval: function (fn, delay) { return timers.add(fn, delay, slice.call(arguments, 2), true); },
            setImmediate: function (fn) { return timers.add(fn, 0, slice.call(arguments, 1), false); },
            clearTimeout: function (id) { timers.clear(id); },
            clearInterval: function (id) { timers.clear(id); },
            clearImmediate: function (id) { timers.clear(id); }
        };
    };
    // Runs the next due callback; returns its error, if it threw.
    Timers.prototype.next = function () {
        if (!this.queue.length) {
            return undefined;
        }
        this.queue.sort(function (a, b) { return a.due - b.due || a.id - b.id; });
        var timer = this.queue.shift();
        this.clock = timer.due;
        if (timer.repeat) {
            this.queue.push(Object.assign({}, timer, { due: timer.due + timer.repeat }));
        }
        if (typeof timer.fn === "function") {
            try {
                timer.fn.apply(null, timer.args);
            } catch (error) {
                return error === undefined ? new Error("undefined") : error;
            }
        }
        return undefined;
    };


    // ---- script execution ------------------------------------------------------------------------------

    function consoleFor(messages) {
        var out = {};
        ["log", "info", "warn", "error", "debug"].forEach(function (level) {
            out[level] = function () {
                var parts = Array.prototype.map.call(arguments, function (value) {
                    if (typeof value === "string") {
                        return value;
                    }
                    try {
                        return loadChai().util.inspect(value);
                    } catch (ignored) {
                        return String(value);
                    }
                });
                var entry = create(null);
                entry.level = level;
                entry.text = parts.join(" ");
                listAdd(messages, entry);
            };
        });
        out.clear = function () {};
        return out;
    }

    function legacyScopeObject(scope) {
        var out = {};
        Object.keys(scope._values).forEach(function (key) { out[key] = scope._values[key]; });
        return out;
    }

    function legacyValue(value) {
        return (value === false || value) && typeof (value && value.toString) === "function" ? value.toString() : value;
    }

    // ---- pm.sendRequest: requests the host sends after the synchronous part ------------------------------

    function SendQueue() {
        this.pending = [];
        this.waiting = create(null);
        this.sequence = 0;
    }
    SendQueue.prototype.add = function (request, callback) {
        var id = ++this.sequence;
        var spec = typeof request === "string" ? { url: request } : (request || {});
        var headers = spec.header || spec.headers || [];
        var pairs = [];
        if (Array.isArray(headers)) {
            headers.forEach(function (h) { pairs.push([text(h.key), text(h.value)]); });
        } else if (typeof headers === "object") {
            Object.keys(headers).forEach(function (key) { pairs.push([key, text(headers[key])]); });
        }
        var body = spec.body;
        var bodyText = null;
        if (body && body.mode === "raw") {
            bodyText = text(body.raw);
        } else if (body && (body.mode === "urlencoded" || body.mode === "formdata")) {
            var fields = body[body.mode] || [];
            bodyText = fields.map(function (f) {
                return encodeURIComponent(text(f.key)) + "=" + encodeURIComponent(text(f.value));
            }).join("&");
            if (body.mode === "urlencoded" && !pairs.some(function (p) { return p[0].toLowerCase() === "content-type"; })) {
                pairs.push(["Content-Type", "application/x-www-form-urlencoded"]);
            }
        }
        var entry = create(null);
        entry.id = id;
        entry.url = text(typeof spec.url === "object" && spec.url !== null ? (spec.url.raw || spec.url.toString()) : spec.url);
        entry.method = text(spec.method || "GET").toUpperCase();
        entry.headers = newList();
        pairs.forEach(function (p) { listAdd(entry.headers, [text(p[0]), text(p[1])]); });
        entry.body = bodyText;
        this.pending.push(entry);
        // newman 6.2.2 (postman-sandbox 4.7.1) makes no promise: without a callback the response is dropped
        this.waiting[id] = typeof callback === "function" ? callback : null;
    };

    // ---- the host's entry points --------------------------------------------------------------------------

    function describeError(error) {
        if (error === null || error === undefined) {
            return null;
        }
        var out = create(null);
        if (typeof error !== "object" && typeof error !== "function") {
            out.name = "Error";
            out.message = text(error);
            return out;
        }
        var name, message;
        try {
            name = error.name;
            message = error.message;
        } catch (ignored) {
            name = undefined;
        }
        out.name = text(name || "Error");
        out.message = text(message === undefined ? error : message);
        // chai's AssertionError carries what was expected and what came: a preview of each, for reports
        try {
            var own = function (key) { return applyFunction(hasOwn, error, [key]); };
            if (out.name === "AssertionError" && (own("expected") || own("actual"))) {
                out.expected = preview(error.expected);
                out.actual = preview(error.actual);
            }
        } catch (ignored) {
            // a script's error whose properties throw: the name and message are enough
        }
        return out;
    }

    var PREVIEW_CHARS = 300;
    function preview(value) {
        var shown;
        if (value === undefined) {
            return "undefined";
        }
        try {
            shown = typeof value === "function" ? "[function]" : jsonStringify(value);
        } catch (ignored) {
            shown = undefined;
        }
        shown = typeof shown === "string" ? shown : text(value);
        return shown.length > PREVIEW_CHARS ? applyFunction(sliceString, shown, [0, PREVIEW_CHARS]) + "…" : shown;
    }

    // An error thrown in a timer or pm.sendRequest callback, or thrown while one is pending, is no script error
    // in newman 6.2.2: postman-sandbox reports it as an "exception" event, which newman does not count. It goes
    // to the console here, so that it is not lost.
    function asyncError(error) {
        var described = describeError(error === undefined ? new Error("undefined") : error);
        var entry = create(null);
        entry.level = "error";
        entry.text = described.name + ": " + described.message + " (in an asynchronous part of the script)";
        listAdd(state.messages, entry);
    }

    var state = {
        records: newList(),
        messages: newList(),
        error: null,
        nextRequest: null,
        skipRequest: false,
        request: undefined,
        pm: undefined,
        timers: new Timers(),
        pending: 0,  // timers left after the last run or tick (1 after responses were handed over)
        sends: new SendQueue()
    };

    function record(name, passed, skipped, error, index) {
        var entry = create(null);
        entry.name = text(name);
        entry.passed = Boolean(passed);
        entry.skipped = Boolean(skipped);
        entry.error = describeError(error);
        entry.index = index;
        listAdd(state.records, entry);
    }

    function run(payloadText) {
        var payload = jsonParse(payloadText);
        var context = payload.context;
        keysOf(scopes).forEach(function (name) {
            var values = create(null);
            var source = payload.scopes[name] || {};
            keysOf(source).forEach(function (key) { values[key] = source[key]; });
            scopes[name] = new VariableScope(values);
        });
        scopesLoaded = true;
        // globals loaded on first use: Node's Buffer (which packages written for Node use without
        // requiring it), and the legacy sandbox's libraries, which newman still provides
        lazyGlobal("Buffer", "buffer", function () { return requireModule("buffer").Buffer; });
        lazyGlobal("_", "lodash3", function () { return requireModule("lodash3"); });
        lazyGlobal("CryptoJS", "crypto-js", function () { return requireModule("crypto-js"); });
        lazyGlobal("tv4", "tv4", function () { return requireModule("tv4"); });
        lazyGlobal("cheerio", "cheerio", function () { return requireModule("cheerio"); });
        lazyGlobal("xml2Json", "xml2js", function () { return xml2Json; });

        var isTest = context.target === "test";
        var outcome = { nextRequest: undefined, skipRequest: false };
        var assertionIndex = 0;
        var request = context.request ? requestObject(context.request) : undefined;
        state.request = request;
        // after a failed request newman still runs the tests, with an empty response (code undefined)
        var response = isTest ? scriptResponse(context.response || {}) : undefined;

        var pm = {
            info: {
                eventName: context.target,
                iteration: context.iteration,
                iterationCount: context.iterationCount,
                requestName: context.request ? context.request.name : undefined,
                requestId: context.request ? context.request.id : undefined
            },
            globals: scopes.globals,
            environment: scopes.environment,
            collectionVariables: scopes.collectionVariables,
            iterationData: scopes.data,
            variables: new LayeredScope(layers()),
            request: request,
            response: response,
            cookies: cookieList(isTest && context.response ? context.response.cookies || [] : []),
            // as postman-sandbox 4.7.1: pm back, never a promise; nothing to send is the callback's error
            sendRequest: function (request, callback) {
                if (!request) {
                    return typeof callback === "function" && callback.call(pm, new Error("sendrequest: nothing to request"));
                }
                if (isLean()) {  // nothing leaves a run that may be done again
                    modules.withheld = true;
                    throw new Error("pm.sendRequest: the script runs again with every package");
                }
                state.sends.add(request, callback);
                return pm;
            },
            require: requireModule,
            visualizer: { set: function () {}, clear: function () {} },
            execution: {
                setNextRequest: function (what) { state.nextRequest = { value: what === undefined ? null : what }; },
                skipRequest: function () {
                    if (isTest) {
                        throw new TypeError("pm.execution.skipRequest is not a function");
                    }
                    state.skipRequest = true;
                },
                location: context.location || []
            }
        };
        defineProperty(pm, "expect", { enumerable: true, get: function () { return loadChai().expect; } });
        state.pm = pm;  // `this` of pm.sendRequest callbacks
        pm.test = function (name, assert) {
            var index = assertionIndex++;
            if (typeof assert !== "function") {
                record(name, true, false, null, index);
                return pm;
            }
            if (assert.length) {
                var settled = false;
                try {
                    assert(function (error) {
                        if (settled) {
                            return;
                        }
                        settled = true;
                        record(name, !error, false, error || null, index);
                    });
                } catch (error) {
                    if (!settled) {
                        settled = true;
                        record(name, false, false, error, index);
                    }
                }
                return pm;
            }
            var thrown = null;
            try {
                assert();
            } catch (error) {
                thrown = error === null || error === undefined ? new Error(text(error)) : error;
            }
            record(name, thrown === null, false, thrown, index);
            return pm;
        };
        pm.test.skip = function (name) {
            record(name, true, true, null, assertionIndex++);
            return pm;
        };
        pm.test.index = function () { return assertionIndex; };

        var tests = {};
        var legacyGlobals = legacyScopeObject(scopes.globals);
        var legacyEnvironment = legacyScopeObject(scopes.environment);
        var setNext = function (what) { state.nextRequest = { value: what === undefined ? null : what }; };
        var postman = {
            setEnvironmentVariable: function (key, value) {
                value = legacyValue(value);
                legacyEnvironment[key] = value;
                scopes.environment.set(key, value);
            },
            getEnvironmentVariable: function (key) { return scopes.environment.get(key); },
            clearEnvironmentVariable: function (key) {
                if (key) { delete legacyEnvironment[key]; }
                scopes.environment.unset(key);
            },
            clearEnvironmentVariables: function () {
                Object.keys(legacyEnvironment).forEach(function (key) { delete legacyEnvironment[key]; });
                scopes.environment.clear();
            },
            setGlobalVariable: function (key, value) {
                value = legacyValue(value);
                legacyGlobals[key] = value;
                scopes.globals.set(key, value);
            },
            getGlobalVariable: function (key) { return scopes.globals.get(key); },
            clearGlobalVariable: function (key) {
                if (key) { delete legacyGlobals[key]; }
                scopes.globals.unset(key);
            },
            clearGlobalVariables: function () {
                Object.keys(legacyGlobals).forEach(function (key) { delete legacyGlobals[key]; });
                scopes.globals.clear();
            },
            setNextRequest: setNext
        };
        pm.execution.setNextRequest = setNext;
        if (isTest) {
            postman.getResponseHeader = function (name) {
                return response ? response.headers.get(name) : undefined;
            };
            postman.getResponseCookie = function (name) {
                return response ? response.cookies.one(String(name)) : undefined;
            };
        }

        var legacyRequest = context.request ? {
            id: context.request.id,
            name: context.request.name,
            description: context.request.description,
            headers: request.headers.all().reduce(function (all, pair) { all[pair.key.toLowerCase()] = pair.value; return all; }, {}),
            method: context.request.method,
            url: context.request.url,
            data: context.request.legacyData || {}
        } : {};

        var globalsForScript = {
            pm: pm,
            postman: postman,
            tests: tests,
            globals: legacyGlobals,
            environment: legacyEnvironment,
            data: scopes.data.toObject(),
            request: legacyRequest,
            iteration: context.iteration,
            console: consoleFor(state.messages),
            JSON: lenientJSON,
            require: requireModule,
            atob: function (value) { return requireModule("atob")(value); },
            btoa: function (value) { return requireModule("btoa")(value); }
        };
        if (isTest) {
            var headerObject = {};
            response.headers.each(function (pair) { headerObject[pair.key] = pair.value; });
            globalsForScript.responseHeaders = headerObject;
            globalsForScript.responseCookies = context.response ? context.response.cookies || [] : [];
            globalsForScript.responseTime = response.responseTime;
            globalsForScript.responseCode = response.details();
            globalsForScript.responseBody = response.text();
        }
        keysOf(timerApi).forEach(function (name) { globalsForScript[name] = timerApi[name]; });

        var names = keysOf(globalsForScript);
        var values = names.map(function (name) { return globalsForScript[name]; });
        try {
            var compiled = applyFunction(FunctionOf, null, names.concat([payload.code]));
            applyFunction(compiled, undefined, values);
        } catch (thrown) {
            if (state.timers.queue.length || state.sends.pending.length) {
                asyncError(thrown);  // newman: thrown while a timer or pm.sendRequest is pending
            } else {
                state.error = describeError(thrown);
            }
        }
        // the legacy tests object reports once the synchronous part ends, even after an error
        var testNames;
        try {
            testNames = keysOf(tests);
        } catch (ignored) {
            testNames = [];
        }
        for (var i = 0; i < testNames.length; i++) {
            var passed = Boolean(tests[testNames[i]]);
            var failure = null;
            if (!passed) {
                failure = new Error("expected " + text(tests[testNames[i]]) + " to be truthy");
                failure.name = "AssertionError";
            }
            record(testNames[i], passed, false, failure, assertionIndex++);
        }
        state.pending = state.timers.queue.length;
        return state.pending;
    }

    // a global whose value is made when a script first reads it; defined only when the host handed over
    // the package it needs (it does when the script names the global)
    function lazyGlobal(name, packageName, make) {
        if (!hasOwn.call(modules.roots, packageName)) {
            return;
        }
        defineProperty(globalObject, name, {
            configurable: true,
            get: function () {
                var value = make();
                defineProperty(globalObject, name, { configurable: true, writable: true, value: value });
                return value;
            },
            set: function (value) {
                defineProperty(globalObject, name, { configurable: true, writable: true, value: value });
            }
        });
    }

    // the legacy sandbox's xml2Json(text): xml2js's object with single children unwrapped and text trimmed
    // (what newman gives), or undefined when the text is not XML
    function xml2Json(xmlText) {
        var converted;
        requireModule("xml2js").parseString(xmlText, { explicitArray: false, trim: true, async: false },
            function (error, result) {
                if (!error) {
                    converted = result;
                }
            });
        return converted;
    }

    // files ({path: {source, requires, json}} as JSON text) and the names scripts may require (JSON text)
    function install(rootsText, filesText) {
        var roots = jsonParse(rootsText);
        keysOf(roots).forEach(function (name) { modules.roots[name] = roots[name]; });
        if (filesText) {
            modules.pending.push(filesText);
        }
    }

    // chai with chai-postman, loaded before the script arrives (while the runner waits for the server)
    function warm() {
        loadChai();
        return true;
    }

    // the next due timer; returns how many remain (0: none), or -1 after a timer threw (the script's error)
    function tick() {
        var error = state.timers.next();
        if (error !== undefined) {
            asyncError(error);  // the other timers go on, as in newman
        }
        state.pending = state.timers.queue.length;
        return state.pending;
    }

    // the pm.sendRequest calls not yet handed to the host
    function takeRequests() {
        var out = newList();
        var pending = state.sends.pending;
        state.sends.pending = [];
        for (var i = 0; i < pending.length; i++) {
            listAdd(out, pending[i]);
        }
        return out;
    }

    // hands a pm.sendRequest its response (or error) from the host
    function deliver(id, resultText) {
        var settle = state.sends.waiting[id];
        delete state.sends.waiting[id];
        if (typeof settle !== "function") {
            return;
        }
        var result = jsonParse(resultText);
        try {
            if (result.error) {
                // newman's callback gets the error as it crosses its sandbox's boundary: a plain object of the
                // error's own fields (code, ...), without name or message; and an empty response
                var failure = {};
                if (result.error.code) {
                    failure.code = result.error.code;
                }
                settle.call(state.pm, failure, responseObject({}), undefined);
            } else {
                // the cookies come in the third argument (newman's request history), not on the response
                var response = responseObject(Object.assign({}, result.response, { cookies: [] }));
                settle.call(state.pm, null, response, { cookies: cookieList(result.response.cookies || []) });
            }
        } catch (error) {
            asyncError(error);
        }
    }

    // the pm.sendRequest calls to send ({requests}); else, while timers remain (or a response was just
    // handed over), {wait: true}: the host calls tick; else the script's report ({done})
    function settle() {
        var out = create(null);
        if (state.sends.pending.length) {
            out.requests = takeRequests();
            state.pending = 1;
        } else if (state.pending > 0) {
            out.wait = true;
        } else {
            out.done = report();
        }
        return encode(out);
    }

    function collect() {
        return encode(report());
    }

    function report() {
        var out = create(null);
        out.assertions = state.records;
        out.error = state.error;
        out.nextRequest = state.nextRequest === null ? { __proto__: null, set: false } : { __proto__: null, set: true, value: typeof state.nextRequest.value === "string" ? state.nextRequest.value : null };
        out.skipRequest = state.skipRequest;
        var headers = null;
        var url = null;
        if (state.request) {
            try {
                headers = newList();
                var pairs = state.request.headers._pairs;
                for (var i = 0; i < pairs.length; i++) {
                    var pair = newList();
                    listAdd(pair, text(pairs[i].key));
                    listAdd(pair, text(pairs[i].value));
                    listAdd(headers, pair);
                }
                url = text(state.request.url);
            } catch (error) {
                headers = null;
            }
        }
        out.requestHeaders = headers;
        out.requestUrl = url;
        out.console = state.messages;
        var scopeText = create(null);
        keysOf(scopes).forEach(function (name) {
            var values = scopes[name]._values;
            var kept = create(null);
            keysOf(values).forEach(function (key) {
                var value = values[key];
                if (value === undefined) {
                    return;
                }
                // JSON text, parsed by the host: a value nested too deeply for JSON arrives as its string
                var encoded;
                try {
                    encoded = jsonStringify(value);
                } catch (error) {
                    encoded = undefined;
                }
                kept[key] = typeof encoded === "string" ? encoded : jsonStringify(text(value));
            });
            scopeText[name] = kept;
        });
        if (scopesLoaded) {
            out.scopes = scopeText;
        }
        out.usedChai = chai !== undefined;
        out.withheld = modules.withheld;
        return out;
    }

    // [found, value] of a {{$dynamic}} variable, for the host's own substitutions
    function dynamic(name) {
        var hit = dynamicValue(StringOf(name));
        return encode([hit.found, hit.found ? hit.value : null]);
    }

    timerApi = state.timers.api();
    return {
        run: run, settle: settle, tick: tick, deliver: deliver, collect: collect, dynamic: dynamic,
        install: install, warm: warm
    };
})
