"""The legacy sandbox's library globals (`_`, `CryptoJS`, `tv4`, `cheerio`, `xml2Json`) and `Buffer`, as
newman 6.2.2 provides them: the same verdicts from newman and from cdverify on the same server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from parity import assert_same_outcomes, cdverify_outcomes, newman_outcomes, run_newman

from cdverify.contract.collection import load_collection
from cdverify.contract.runner import RunOptions, run_collection

pytestmark = pytest.mark.integration  # newman and cdverify against the faulty server

CHECKS = [
    "tests['_ is lodash 3'] = _.VERSION === '3.10.2';",
    "tests['_ chunks'] = JSON.stringify(_.chunk([1, 2, 3], 2)) === '[[1,2],[3]]';",
    "tests['CryptoJS hashes'] = CryptoJS.MD5('abc').toString() === '900150983cd24fb0d6963f7d28e17f72';",
    "tests['CryptoJS HMAC'] = CryptoJS.HmacSHA256('m', 'k').toString(CryptoJS.enc.Base64).length === 44;",
    "tests['tv4 validates'] = tv4.validate({a: 1}, {type: 'object', required: ['a']});",
    "tests['tv4 rejects'] = !tv4.validate({}, {type: 'object', required: ['a']});",
    "tests['cheerio loads'] = cheerio.load('<p class=\"x\">hi</p>')('.x').text() === 'hi';",
    "tests['xml2Json unwraps and trims'] = JSON.stringify(xml2Json("
    '\'<a x="1"><b>t</b><b>u</b><c> s </c><d/><e y="2">v</e></a>\')) === '
    '\'{"a":{"$":{"x":"1"},"b":["t","u"],"c":"s","d":"","e":{"_":"v","$":{"y":"2"}}}}\';',
    "tests['xml2Json of a single child'] = JSON.stringify(xml2Json('<r><n>1</n></r>')) === '{\"r\":{\"n\":\"1\"}}';",
    "tests['xml2Json of no XML'] = xml2Json('not xml') === undefined;",
    "tests['Buffer is Node\\'s'] = Buffer.from('hi').toString('base64') === 'aGk=';",
    "tests['a local _ shadows the global'] = (function (_) { return _ === 5; })(5);",
    "tests['one failing check'] = _.isEqual({a: 1}, {a: 2});",
]


def _collection(tmp_path: Path, base: str) -> Path:
    document: dict[str, Any] = {
        "info": {
            "name": "legacy",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "legacy globals",
                "request": {"method": "GET", "url": f"{base}/sandbox/echo"},
                "event": [{"listen": "test", "script": {"exec": CHECKS}}],
            }
        ],
    }
    path = tmp_path / "legacy.postman_collection.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_legacy_globals_same_results_as_newman(faulty_server: str, tmp_path: Path, newman: Path) -> None:
    path = _collection(tmp_path, faulty_server)
    report = run_newman(newman, path, {}, tmp_path / "newman.json")
    result = run_collection(load_collection(path), RunOptions())
    assert_same_outcomes(cdverify_outcomes(result), newman_outcomes(report))
    verdicts = {a.name: a.passed for a in result.assertions}
    assert len(verdicts) == len(CHECKS)
    assert [name for name, passed in verdicts.items() if not passed] == ["one failing check"]
