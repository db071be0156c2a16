/*
 * cdverify's Postman script sandbox. Evaluated once per run in an embedded QuickJS context (chai.js, given
 * as a string, is evaluated on first use).
 * It holds the run's variable scopes, resolves {{variables}}, and executes pre-request and test scripts
 * with Postman's semantics: the legacy globals (tests, responseBody, responseCode, postman, ...) and the
 * pm API (pm.test, pm.expect, pm.response, pm.globals, ...). The host (Python) talks to it through
 * JSON strings only: __cdverify.init, .resolve, .execute, .state.
 *
 * Behaviour copied from postman-sandbox 4.x (what newman runs): pm.test reports as soon as it completes,
 * the legacy `tests` object is reported after the script's synchronous part, even when the script threw;
 * async tests report when their `done` callback runs. Timers are virtual: callbacks run after the
 * synchronous part, in order of due time, without waiting.
 */
var __cdverify = (function () {
    "use strict";

    // chai (370 KB) is evaluated on first use: collections that only use the legacy `tests` never pay for it
    var chai;
    function loadChai() {
        if (chai === undefined) {
            (0, eval)(globalThis.__cdverifyChaiSource);
            chai = globalThis.chai;
            chai.use(postmanAssertions);
        }
        return chai;
    }
    var VARIABLE = /\{\{([^{}]*?)}}/g;
    var MAX_DEPTH = 19;
    var hasOwn = Object.prototype.hasOwnProperty;

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

    // ---- dynamic variables ({{$guid}} and friends) -------------------------------------------------------

    function randomInt(low, high) {
        return Math.floor(Math.random() * (high - low + 1)) + low;
    }
    function guid() {
        return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
            var r = randomInt(0, 15);
            return (c === "x" ? r : (r & 3) | 8).toString(16);
        });
    }
    function randomString(length, alphabet) {
        var out = "";
        for (var i = 0; i < length; i++) {
            out += alphabet.charAt(randomInt(0, alphabet.length - 1));
        }
        return out;
    }
    var LOWER = "abcdefghijklmnopqrstuvwxyz";
    var DYNAMIC = {
        $guid: guid,
        $randomUUID: guid,
        $timestamp: function () { return String(Math.round(Date.now() / 1000)); },
        $isoTimestamp: function () { return new Date().toISOString(); },
        $randomInt: function () { return String(randomInt(0, 1000)); },
        $randomAlphaNumeric: function () { return randomString(1, LOWER + "0123456789"); },
        $randomBoolean: function () { return String(Math.random() < 0.5); },
        $randomUserName: function () { return randomString(8, LOWER) + randomInt(10, 99); },
        $randomFirstName: function () { return "Alex" + randomString(3, LOWER); },
        $randomLastName: function () { return "Smith" + randomString(3, LOWER); },
        $randomEmail: function () { return randomString(8, LOWER) + "@example.com"; },
        $randomExampleEmail: function () { return randomString(8, LOWER) + "@example.com"; },
        $randomPassword: function () { return randomString(15, LOWER + "0123456789"); },
        $randomWord: function () { return randomString(6, LOWER); },
        $randomWords: function () { return randomString(5, LOWER) + " " + randomString(6, LOWER); },
        $randomLoremWord: function () { return randomString(6, LOWER); },
        $randomLoremSentence: function () { return "Lorem " + randomString(6, LOWER) + " dolor."; },
        $randomColor: function () { return ["red", "green", "blue", "orange", "purple"][randomInt(0, 4)]; },
        $randomIP: function () { return [randomInt(1, 254), randomInt(0, 255), randomInt(0, 255), randomInt(1, 254)].join("."); },
        $randomPhoneNumber: function () { return randomInt(200, 999) + "-" + randomInt(200, 999) + "-" + randomInt(1000, 9999); },
        $randomCity: function () { return ["Lyon", "Nice", "Oslo", "Porto", "Turin"][randomInt(0, 4)]; },
        $randomCountry: function () { return ["France", "Norway", "Portugal", "Italy"][randomInt(0, 3)]; }
    };

    function lookup(name, scopeList) {
        for (var i = 0; i < scopeList.length; i++) {
            if (scopeList[i].has(name)) {
                return { found: true, value: scopeList[i].get(name) };
            }
        }
        if (hasOwn.call(DYNAMIC, name)) {
            return { found: true, value: DYNAMIC[name]() };
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
    // Its errors are JSONErrors, as in newman (the wording of the message is QuickJS's).
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
        Object.defineProperty(out, "to", { get: function () { return loadChai().expect(this).to; } });
        Object.defineProperty(out, "__cdverifyKind", { value: "response" });
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

    // ---- chai assertions on responses (what Postman's chai plugin offers, same messages) -----------------

    var isResponse = function (obj) { return Boolean(obj) && obj.__cdverifyKind === "response"; };
    var isRequestOrResponse = function (obj) { return Boolean(obj) && obj.__cdverifyKind !== undefined; };

    function pathParts(path) {
        return String(path).replace(/\[(\w+)\]/g, ".$1").split(".").filter(function (part) { return part !== ""; });
    }
    function hasPath(obj, path) {
        var parts = pathParts(path);
        var node = obj;
        for (var i = 0; i < parts.length; i++) {
            if (node === null || node === undefined || !hasOwn.call(Object(node), parts[i])) {
                return false;
            }
            node = node[parts[i]];
        }
        return parts.length > 0;
    }
    function getPath(obj, path) {
        return pathParts(path).reduce(function (node, part) {
            return node === null || node === undefined ? undefined : node[part];
        }, obj);
    }
    function jsonError(response) {
        try {
            response.json();
            return undefined;
        } catch (e) {
            return e.name === "JSONError" && e.message ? e.message.split("\n")[0] : e.name + ": " + e.message;
        }
    }

    function postmanAssertions(chaiLib, util) {
        var Assertion = chaiLib.Assertion;
        Assertion.addProperty("postmanResponse", function () {
            this.assert(isResponse(this._obj), "expecting a postman response object but got #{this}",
                "not expecting a postman response object");
        });
        // a fresh assertion: the caller's `not` flag must not negate this precondition
        function mustBeResponse(assertion) {
            return new Assertion(assertion._obj).to.be.postmanResponse;
        }
        Assertion.addProperty("postmanRequest", function () {
            this.assert(Boolean(this._obj) && this._obj.__cdverifyKind === "request",
                "expecting a postman request object but got #{this}", "not expecting a postman request object");
        });
        function statusClass(assertion, classCode) {
            mustBeResponse(assertion);
            var actual = Math.floor(assertion._obj.code / 100);
            assertion.assert(actual === classCode, "expected response code to be #{exp}XX but found #{act}",
                "expected response code to not be #{exp}XX", classCode, assertion._obj.code);
        }
        Assertion.addMethod("statusCodeClass", function (classCode) { statusClass(this, classCode); });
        [["info", 1], ["success", 2], ["redirection", 3], ["clientError", 4], ["serverError", 5]].forEach(function (entry) {
            Assertion.addProperty(entry[0], function () { statusClass(this, entry[1]); });
        });
        Assertion.addProperty("error", function () {
            mustBeResponse(this);
            var actual = Math.floor(this._obj.code / 100);
            this.assert(actual === 4 || actual === 5, "expected response code to be 4XX or 5XX but found #{act}",
                "expected response code to not be 4XX or 5XX", null, this._obj.code);
        });
        Assertion.addMethod("statusCode", function (code) {
            mustBeResponse(this);
            this.assert(this._obj.code === Number(code), "expected response to have status code #{exp} but got #{act}",
                "expected response to not have status code #{act}", Number(code), this._obj.code);
        });
        Assertion.addMethod("statusReason", function (reason) {
            mustBeResponse(this);
            this.assert(this._obj.reason() === String(reason), "expected response to have status reason #{exp} but got #{act}",
                "expected response to not have status reason #{act}", String(reason), this._obj.reason());
        });
        function namedStatus(assertion, code, name) {
            mustBeResponse(assertion);
            var wanted = name.toUpperCase();
            var actualReason = String(assertion._obj.reason()).toUpperCase();
            assertion.assert(actualReason === wanted, "expected response to have status reason #{exp} but got #{act}",
                "expected response to not have status reason #{act}", wanted, actualReason);
            assertion.assert(Number(assertion._obj.code) === code, "expected response to have status code #{exp} but got #{act}",
                "expected response to not have status code #{act}", code, Number(assertion._obj.code));
        }
        [["accepted", 202, "Accepted"], ["withoutContent", 204, "No Content"], ["badRequest", 400, "Bad Request"],
            ["unauthorised", 401, "Unauthorised"], ["unauthorized", 401, "Unauthorized"], ["forbidden", 403, "Forbidden"],
            ["notFound", 404, "Not Found"], ["notAcceptable", 406, "Acceptable"], ["rateLimited", 429, "Too Many Requests"]
        ].forEach(function (entry) {
            Assertion.addProperty(entry[0], function () { namedStatus(this, entry[1], entry[2]); });
        });
        Assertion.addProperty("ok", function () {
            if (!isResponse(this._obj)) {
                this.assert(util.flag(this, "object"), "expected #{this} to be truthy", "expected #{this} to be falsy");
                return;
            }
            namedStatus(this, 200, "OK");
        });
        Assertion.addMethod("status", function (codeOrReason) {
            mustBeResponse(this);
            if (typeof codeOrReason === "number") {
                this.assert(this._obj.code === codeOrReason, "expected response to have status code #{exp} but got #{act}",
                    "expected response to not have status code #{act}", codeOrReason, this._obj.code);
            } else {
                this.assert(this._obj.reason() === codeOrReason, "expected response to have status reason #{exp} but got #{act}",
                    "expected response to not have status reason #{act}", codeOrReason, this._obj.reason());
            }
        });
        Assertion.addProperty("postmanRequestOrResponse", function () {
            this.assert(isRequestOrResponse(this._obj), "expecting a postman request or response object but got #{this}",
                "not expecting a postman request or response object");
        });
        Assertion.addMethod("header", function (key, value) {
            new Assertion(this._obj).to.be.postmanRequestOrResponse;
            var kind = this._obj.__cdverifyKind;
            var present = this._obj.headers.has(key);
            this.assert(present, "expected " + kind + " to have header with key '" + String(key) + "'",
                "expected " + kind + " to not have header with key '" + String(key) + "'", true, present);
            if (arguments.length < 2) {
                return;
            }
            var actual = this._obj.headers.one(key).value;
            this.assert(actual === value, "expected '" + String(key) + "' " + kind + " header to be #{exp} but got #{act}",
                "expected '" + String(key) + "' " + kind + " header to not be #{act}", value, actual);
        });
        function hasBody(assertion) {
            var text = assertion._obj.text();
            assertion.assert(typeof text === "string" && text.length, "expected response to have content in body",
                "expected response to not have content in body");
        }
        Assertion.addProperty("withBody", function () {
            mustBeResponse(this);
            hasBody(this);
        });
        Assertion.addProperty("json", function () {
            mustBeResponse(this);
            var error = jsonError(this._obj);
            this.assert(!error, "expected response body to be a valid json but got error " + error,
                "expected response body not to be a valid json");
        });
        Assertion.addMethod("body", function (content) {
            mustBeResponse(this);
            var data;
            if (content !== null && typeof content === "object" && Object.getPrototypeOf(content) === Object.prototype) {
                try { data = this._obj.json(); } catch (ignored) { data = undefined; }
                this.assert(util.eql(data, content), "expected response body json to equal #{exp} but got #{act}",
                    "expected response body json to not equal #{exp} but got #{act}", content, data);
                return;
            }
            data = this._obj.text();
            if (arguments.length === 0) {
                hasBody(this);
                return;
            }
            if (content instanceof RegExp) {
                this.assert(content.exec(data) !== null, "expected response body text to match #{exp} but got #{act}",
                    "expected response body text #{act} to not match #{exp}", content, data);
                return;
            }
            this.assert(util.eql(data, content), "expected response body to equal #{exp} but got #{act}",
                "expected response body to not equal #{exp}", content, data);
        });
        Assertion.addMethod("jsonBody", function (path, value) {
            mustBeResponse(this);
            var error = jsonError(this._obj);
            var body;
            if (!error) {
                body = this._obj.json();
            }
            if (arguments.length === 0) {
                this.assert(!error, "expected response body to be a valid json but got error " + error,
                    "expected response body not to be a valid json");
                return;
            }
            if (typeof path === "string") {
                this.assert(hasPath(body, path), "expected #{act} in response to contain property #{exp}",
                    "expected #{act} in response to not contain property #{exp}", path, body);
                if (arguments.length > 1) {
                    var actual = getPath(body, path);
                    this.assert(util.eql(actual, value), "expected response body json at \"" + path + "\" to contain #{exp} but got #{act}",
                        "expected response body json at \"" + path + "\" to not contain #{exp} but got #{act}", value, actual);
                }
            }
        });
        function numberCheck(assertion, what, value, args) {
            var number = util.flag(assertion, "number");
            assertion.assert(typeof number === "number", "expected response to have a valid " + what + " but got #{act}",
                "expected response to not have a valid " + what + " but got #{act}", null, number);
            if (args.length) {
                assertion.assert(util.eql(number, value), "expected response to have a valid " + what + " but got #{act}",
                    "expected response to not have a valid " + what + " but got #{act}", null, number);
            }
        }
        Assertion.addChainableMethod("responseTime", function (value) {
            numberCheck(this, "response time", value, arguments);
        }, function () {
            mustBeResponse(this);
            util.flag(this, "number", this._obj.responseTime);
            util.flag(this, "object", this._obj.responseTime);
        });
        Assertion.addChainableMethod("responseSize", function (value) {
            numberCheck(this, "response size", value, arguments);
        }, function () {
            mustBeResponse(this);
            var size = this._obj.size();
            var total = (size.header || 0) + (size.body || 0);
            util.flag(this, "number", total);
            util.flag(this, "object", total);
        });
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
    // Runs due callbacks until none remain (or a bound is hit: an endless interval). Returns the first error.
    Timers.prototype.drain = function () {
        for (var steps = 0; this.queue.length && steps < 10000; steps++) {
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
                    this.queue = [];
                    return error;
                }
            }
        }
        this.queue = [];
        return undefined;
    };

    // ---- base64 (Postman's atob/btoa: binary strings, one byte per character) -----------------------------

    var BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    function btoa(text) {
        text = String(text);
        var out = "";
        for (var i = 0; i < text.length; i += 3) {
            var a = text.charCodeAt(i) & 255, b = text.charCodeAt(i + 1) & 255, c = text.charCodeAt(i + 2) & 255;
            var n = (a << 16) | ((i + 1 < text.length ? b : 0) << 8) | (i + 2 < text.length ? c : 0);
            out += BASE64.charAt((n >> 18) & 63) + BASE64.charAt((n >> 12) & 63) +
                (i + 1 < text.length ? BASE64.charAt((n >> 6) & 63) : "=") + (i + 2 < text.length ? BASE64.charAt(n & 63) : "=");
        }
        return out;
    }
    function atob(text) {
        var clean = String(text).replace(/[^A-Za-z0-9+/]/g, "");
        var out = "";
        for (var i = 0; i < clean.length; i += 4) {
            var n = 0, count = 0;
            for (var j = 0; j < 4; j++) {
                var index = i + j < clean.length ? BASE64.indexOf(clean.charAt(i + j)) : -1;
                n = (n << 6) | (index === -1 ? 0 : index);
                if (index !== -1) { count++; }
            }
            out += String.fromCharCode((n >> 16) & 255);
            if (count > 2) { out += String.fromCharCode((n >> 8) & 255); }
            if (count > 3) { out += String.fromCharCode(n & 255); }
        }
        return out;
    }

    // ---- script execution ------------------------------------------------------------------------------

    function describeError(error) {
        if (error === null || error === undefined) {
            return null;
        }
        if (typeof error !== "object") {
            return { name: "Error", message: String(error) };
        }
        return { name: String(error.name || "Error"), message: String(error.message === undefined ? error : error.message) };
    }

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
                messages.push({ level: level, text: parts.join(" ") });
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

    function unsupported(what) {
        return function () {
            throw new Error(what + " is not supported by cdverify: scripts run without network or file access");
        };
    }

    function execute(payload) {
        var context = JSON.parse(payload);
        var isTest = context.target === "test";
        var assertions = [];
        var messages = [];
        var outcome = { nextRequest: undefined, skipRequest: false };
        var timers = new Timers();
        var assertionIndex = 0;
        var dispatch = function (assertion) {
            assertions.push({
                name: assertion.name,
                passed: assertion.passed,
                skipped: assertion.skipped,
                error: describeError(assertion.error),
                index: assertion.index
            });
        };
        var request = context.request ? requestObject(context.request) : undefined;
        // after a failed request newman still runs the tests, with an empty response (code undefined)
        var response = isTest ? responseObject(context.response || {}) : undefined;

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
            sendRequest: unsupported("pm.sendRequest"),
            require: function (name) {
                if (name === "chai") {
                    return loadChai();
                }
                throw new Error("Cannot find package '" + name + "'");
            },
            visualizer: { set: function () {}, clear: function () {} },
            execution: {
                setNextRequest: function (what) { outcome.nextRequest = what; },
                skipRequest: function () {
                    if (isTest) {
                        throw new TypeError("pm.execution.skipRequest is not a function");
                    }
                    outcome.skipRequest = true;
                },
                location: context.location || []
            }
        };
        Object.defineProperty(pm, "expect", { enumerable: true, get: function () { return loadChai().expect; } });
        pm.test = function (name, assert) {
            var assertion = { name: String(name), async: false, skipped: false, passed: true, error: null, index: assertionIndex++ };
            if (typeof assert !== "function") {
                dispatch(assertion);
                return pm;
            }
            if (assert.length) {
                assertion.async = true;
                try {
                    assert(function (error) {
                        if (assertion.error && assertion.passed === false) {
                            return;
                        }
                        if (error) {
                            assertion.error = error;
                            assertion.passed = false;
                        }
                        dispatch(assertion);
                    });
                } catch (error) {
                    assertion.error = error;
                    assertion.passed = false;
                    dispatch(assertion);
                }
                return pm;
            }
            try {
                assert();
            } catch (error) {
                assertion.error = error;
                assertion.passed = false;
            }
            dispatch(assertion);
            return pm;
        };
        pm.test.skip = function (name) {
            dispatch({ name: String(name), skipped: true, passed: true, error: null, index: assertionIndex++ });
            return pm;
        };
        pm.test.index = function () { return assertionIndex; };

        var tests = {};
        var legacyGlobals = legacyScopeObject(scopes.globals);
        var legacyEnvironment = legacyScopeObject(scopes.environment);
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
            setNextRequest: function (what) { outcome.nextRequest = what; }
        };
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
            console: consoleFor(messages),
            JSON: lenientJSON,
            atob: atob,
            btoa: btoa
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
        var timerApi = timers.api();
        Object.keys(timerApi).forEach(function (name) { globalsForScript[name] = timerApi[name]; });

        var names = Object.keys(globalsForScript);
        var error;
        try {
            var compiled = Function.apply(null, names.concat([context.code]));
            compiled.apply(undefined, names.map(function (name) { return globalsForScript[name]; }));
        } catch (thrown) {
            error = thrown;
        }
        // the legacy tests object reports once the synchronous part ends, even after an error
        Object.keys(tests).forEach(function (key) {
            var passed = Boolean(tests[key]);
            var failure = null;
            if (!passed) {
                failure = new Error("expected " + String(tests[key]) + " to be truthy");
                failure.name = "AssertionError";
            }
            dispatch({ name: String(key), skipped: false, passed: passed, error: failure, index: assertionIndex++ });
        });
        var timerError = timers.drain();
        if (error === undefined && timerError !== undefined) {
            error = timerError;
        }
        return JSON.stringify({
            assertions: assertions,
            error: describeError(error),
            nextRequest: outcome.nextRequest === undefined ? { set: false } : { set: true, value: outcome.nextRequest },
            skipRequest: outcome.skipRequest,
            requestHeaders: request ? request.headers.all().map(function (pair) { return [pair.key, pair.value]; }) : null,
            requestUrl: request ? request.url.toString() : null,
            console: messages
        });
    }

    return {
        init: function (payload) {
            var values = JSON.parse(payload);
            Object.keys(scopes).forEach(function (name) {
                scopes[name] = new VariableScope(values[name] || {});
            });
        },
        resolve: function (payload) {
            var scopeList = layers();
            return JSON.stringify(JSON.parse(payload).map(function (text) { return substitute(text, scopeList); }));
        },
        execute: execute,
        state: function () {
            var out = {};
            Object.keys(scopes).forEach(function (name) { out[name] = scopes[name].toObject(); });
            return JSON.stringify(out);
        }
    };
}());
