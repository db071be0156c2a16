/*
 * Postman's dynamic variables ({{$guid}}, {{$timestamp}}, {{$randomFirstName}}, ...), generated with faker
 * as Postman generates them. Loaded as a module by sandbox.js (require("cdverify:dynamic")).
 */
"use strict";
var faker = require("faker");

function uuid() {
    return faker.datatype.uuid();
}

var GENERATORS = {
    $guid: uuid,
    $randomUUID: uuid,
    $timestamp: function () { return Math.round(Date.now() / 1000); },
    $isoTimestamp: function () { return new Date().toISOString(); },
    $randomInt: function () { return faker.datatype.number({ min: 0, max: 1000 }); }
};

module.exports = function (name) {
    if (!Object.prototype.hasOwnProperty.call(GENERATORS, name)) {
        return { found: false };
    }
    return { found: true, value: GENERATORS[name]() };
};
