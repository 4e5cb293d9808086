#!/usr/bin/env python3
"""Print the OpenAPI document held in Sources/Server/OpenAPIDocument.swift, without a server.

The Swift file is the one source of truth; this extracts the text between its `#\"\"\"` and `\"\"\"#`
markers, removes the literal's indentation and checks that it parses as JSON.

    python3 Tests/api/dump_openapi.py > /tmp/openapi.json
    python3 Tests/api/dump_openapi.py --validate      # also runs openapi-spec-validator (pip)
"""
import json
import pathlib
import sys
import textwrap

SWIFT = pathlib.Path(__file__).resolve().parents[2] / "Sources" / "Server" / "OpenAPIDocument.swift"
OPEN, CLOSE = '#"""', '"""#'


def extract(path: pathlib.Path = SWIFT) -> str:
    source = path.read_text(encoding="utf-8")
    start = source.find(OPEN)
    end = source.find(CLOSE, start + len(OPEN))
    if start < 0 or end < 0:
        sys.exit(f"{path}: no {OPEN} … {CLOSE} literal found")
    # A multi-line raw literal starts after the newline that follows the opening delimiter; Swift strips
    # the closing delimiter's indentation from every line, and so does dedent here.
    body = source[start + len(OPEN):end].split("\n", 1)[1]
    return textwrap.dedent(body).rstrip() + "\n"


def main() -> None:
    text = extract()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        sys.exit(f"{SWIFT}: the OpenAPI literal is not valid JSON: {error}")
    if "--validate" in sys.argv[1:]:
        from openapi_spec_validator import validate  # pip install openapi-spec-validator==0.9.0
        validate(document)
        print(f"{SWIFT.name}: valid OpenAPI {document['openapi']}, {len(document['paths'])} paths", file=sys.stderr)
        return
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
