/*
 * Postman's dynamic variables ({{$guid}}, {{$timestamp}}, {{$randomFirstName}}, ...): a small interpreter of the
 * catalogue rules/postman_dynamic_variables.toml, which engine.py hands over as a JSON module
 * ({name: {faker: "module.method", args: [...]}} or {name: {special: "...", args: [...]}}). Each value comes
 * from faker 5.5.3 (locale en), the faker newman uses. Loaded by sandbox.js as require("cdverify:dynamic").
 *
 * module.exports(name) -> {found: false} for a name the table lacks, else {found: true, value: "..."}: the value
 * as the text Postman substitutes (a Date as Date.prototype.toString writes it, numbers and booleans as text).
 */
"use strict";
var faker = require("faker");
var table = require("cdverify:dynamic-table");

var hasOwn = Object.prototype.hasOwnProperty;

// what no single faker call expresses; each takes the entry's args
var SPECIALS = {
    unixTimestamp: function () {
        return Math.round(Date.now() / 1000);
    },
    isoTimestamp: function () {
        return new Date().toISOString();
    },
    words: function (least, most) {
        return faker.random.words(faker.datatype.number({ min: least, max: most }));
    }
};

// a copy of the table's arguments, so that a faker method that changes an options object changes no entry
function argumentsOf(entry) {
    return entry.args === undefined ? [] : JSON.parse(JSON.stringify(entry.args));
}

// the faker method a dotted path names, with the object it belongs to
function fakerMethod(path) {
    var owner = null;
    var target = faker;
    var parts = String(path).split(".");
    for (var i = 0; i < parts.length; i++) {
        if (target === null || (typeof target !== "object" && typeof target !== "function") ||
                !hasOwn.call(target, parts[i])) {
            throw new Error("dynamic variables: faker has no " + path);
        }
        owner = target;
        target = target[parts[i]];
    }
    if (typeof target !== "function") {
        throw new Error("dynamic variables: faker's " + path + " is not a function");
    }
    return { owner: owner, method: target };
}

function generate(entry) {
    if (typeof entry.faker === "string") {
        var found = fakerMethod(entry.faker);
        return found.method.apply(found.owner, argumentsOf(entry));
    }
    if (typeof entry.special === "string" && hasOwn.call(SPECIALS, entry.special)) {
        return SPECIALS[entry.special].apply(null, argumentsOf(entry));
    }
    throw new Error("dynamic variables: no generator for " + JSON.stringify(entry));
}

module.exports = function (name) {
    if (typeof name !== "string" || !hasOwn.call(table, name)) {
        return { found: false };
    }
    var value = generate(table[name]);
    if (value === undefined || value === null) {
        return { found: false };  // Postman leaves {{$name}} in place when a generator gives nothing
    }
    return { found: true, value: String(value) };
};
