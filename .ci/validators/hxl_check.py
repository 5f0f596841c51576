"""Checks Acoge's services table (/servicios.csv) with libhxl, the HXL
project's own library, against the schema beside this file.

    python .ci/validators/hxl_check.py BASE_URL

Parses the file as HXL (a header row, then the hashtag row), requires every
column of the schema and at least 100 rows, validates every row, and runs a
control: a copy with an unknown sector must fail, so a schema that checks
nothing cannot pass.
"""

import csv
import io
import os
import sys
import tempfile
import urllib.request

import hxl

HERE = os.path.dirname(os.path.abspath(__file__))
LOCAL = hxl.InputOptions(allow_local=True)


def validate(path):
    errors = []
    schema = hxl.schema(hxl.data(os.path.join(HERE, "hxl-schema.csv"), LOCAL), errors.append)
    schema.validate(hxl.data(path, LOCAL))
    return errors


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: hxl_check.py BASE_URL")
    url = sys.argv[1].rstrip("/") + "/servicios.csv"
    with urllib.request.urlopen(url, timeout=30) as response:
        text = response.read().decode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "servicios.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        dataset = hxl.data(path, LOCAL)
        tags = {column.display_tag for column in dataset.columns}
        rows = sum(1 for _ in hxl.data(path, LOCAL))
        print(f"{url}: {rows} rows, tags {sorted(tags)}")
        if rows < 100:
            sys.exit(f"{url}: only {rows} rows; the seed services did not load")
        errors = validate(path)
        for error in errors[:20]:
            print(f"row {getattr(error, 'row', None) and error.row.row_number}: {error}")
        if errors:
            sys.exit(f"{len(errors)} HXL validation errors")
        bad = os.path.join(folder, "control.csv")
        table = list(csv.reader(io.StringIO(text)))
        sector = table[1].index("#sector")
        table[2][sector] = "volar"
        with open(bad, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(table[:3])
        control = validate(bad)
        if not control:
            sys.exit("the control file with an unknown value passed: the schema checks nothing")
    print("HXL: every row valid against the schema; the control file failed as it must")


if __name__ == "__main__":
    main()
