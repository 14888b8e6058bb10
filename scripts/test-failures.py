#!/usr/bin/env python3
"""Lists the failed tests of a `dotnet test` run from its .trx files, with their messages, so a run whose
console output is long still ends with what failed. Usage: test-failures.py <results-dir>"""
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
failed = 0
for path in sorted(glob.glob(f"{sys.argv[1]}/*.trx")):
    run = ET.parse(path).getroot()
    for result in run.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        failed += 1
        message = result.findtext(".//t:Message", "", NS).strip()
        stack = result.findtext(".//t:StackTrace", "", NS).strip()
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for line in (message + "\n" + stack).strip().splitlines()[:40]:
            print(f"    {line}")
    # Errors outside any one test (a class fixture that failed to clean up, a crashed test host).
    for info in run.iterfind(".//t:RunInfo", NS):
        text = info.findtext("t:Text", "", NS).strip()
        if info.get("outcome") in ("Error", "Failed", "Aborted") and "[FAIL]" not in text:  # [FAIL]: listed above
            failed += 1
            print(f"RUN ERROR {text}")
print(f"{failed} failed test(s) or run error(s)" if failed else
      "no failure recorded in the .trx files: see the output above (a build error or a test host that crashed)")
