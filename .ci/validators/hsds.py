"""Validates Acoge's HSDS 3.0 export against Open Referral's own schemas.

    python .ci/validators/hsds.py BASE_URL SCHEMA_DIR

Reads every page of BASE_URL/api/v1/hsds/services and /organizations,
validates each item with the Draft 2020-12 schemas of SCHEMA_DIR (every file
registered under its own name, as the files refer to each other by name) with
format checks on, and exits non-zero on any error. A control document (the
first service without its required `name`) must fail, so a validator that
checks nothing cannot pass.
"""

import json
import os
import sys
import urllib.request

import referencing.jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource


def registry_of(folder):
    registry = Registry()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                resource = Resource.from_contents(
                    json.load(f), default_specification=referencing.jsonschema.DRAFT202012
                )
            registry = registry.with_resource(name, resource)
    return registry


def validator(folder, registry, name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        schema = json.load(f)
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def every_item(base, path):
    page = 1
    while True:
        url = f"{base}{path}?page={page}&per_page=100"
        with urllib.request.urlopen(url, timeout=30) as response:
            document = json.load(response)
        for key in ("total_items", "total_pages", "page_number", "size", "contents"):
            if key not in document:
                sys.exit(f"{url}: the page has no {key}")
        yield from document["contents"]
        if document["last_page"] or not document["contents"]:
            return
        page += 1


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: hsds.py BASE_URL SCHEMA_DIR")
    base, folder = sys.argv[1].rstrip("/"), sys.argv[2]
    registry = registry_of(folder)
    failures = 0
    first_service = None
    for path, schema in (
        ("/api/v1/hsds/services", "service.json"),
        ("/api/v1/hsds/organizations", "organization.json"),
    ):
        check = validator(folder, registry, schema)
        count = 0
        for item in every_item(base, path):
            count += 1
            if first_service is None and schema == "service.json":
                first_service = item
            for error in check.iter_errors(item):
                failures += 1
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"{path} {item.get('id')}: {where}: {error.message}")
        print(f"{path}: {count} items checked against {schema}")
        if count == 0:
            sys.exit(f"{path}: no items; the seed data did not load")
    control = dict(first_service)
    control.pop("name", None)
    if not list(validator(folder, registry, "service.json").iter_errors(control)):
        sys.exit("the control document without `name` passed: the validator checks nothing")
    if failures:
        sys.exit(f"{failures} HSDS errors")
    print("HSDS 3.0: every item valid; the control document failed as it must")


if __name__ == "__main__":
    main()
