"""Command line of the pilot: python -m {{projectName}} PROMPT_FILE INPUTS_JSON [--name NAME ...]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .pipeline import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="{{projectName}}", description="Run a Prompty prompt asset on redacted inputs.")
    parser.add_argument("prompt", type=Path, help="a .prompty file under genai/prompts/")
    parser.add_argument("inputs", type=Path, help="a JSON file with the prompt's inputs")
    parser.add_argument("--name", action="append", default=[], help="a person's name to redact (repeatable)")
    args = parser.parse_args(argv)
    try:
        inputs = json.loads(args.inputs.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        print("cannot read the inputs file " + str(args.inputs) + ": " + str(error), file=sys.stderr)
        return 2
    result = run(args.prompt, inputs, args.name)
    print(result if isinstance(result, str) else json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
