#!/usr/bin/env python3
"""Writes SharedResource.resx (Simplified Chinese, the neutral language) and SharedResource.en.resx from texts.tsv.

Run after editing src/PostLoan.Web/Resources/texts.tsv: python3 scripts/resx.py
"""
import csv, pathlib
from xml.sax.saxutils import escape

root = pathlib.Path(__file__).resolve().parent.parent / "src" / "PostLoan.Web" / "Resources"
rows = list(csv.DictReader((root / "texts.tsv").open(encoding="utf-8"), delimiter="\t"))
keys = [r["key"] for r in rows]
dupes = {k for k in keys if keys.count(k) > 1}
if dupes:
    raise SystemExit(f"duplicate keys: {sorted(dupes)}")

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""

for column, name in (("zh-CN", "SharedResource.resx"), ("en", "SharedResource.en.resx")):
    body = "".join(
        f'  <data name="{escape(r["key"])}" xml:space="preserve"><value>{escape(r[column])}</value></data>\n'
        for r in sorted(rows, key=lambda r: r["key"]))
    (root / name).write_text(HEADER + body + "</root>\n", encoding="utf-8")
print(f"{len(rows)} texts written")
