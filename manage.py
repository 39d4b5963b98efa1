#!/usr/bin/env python
import os
import sys
from pathlib import Path

# platform/ is a source folder, never a package: its apps are imported by their own names.
ROOT = Path(__file__).resolve().parent
for path in (ROOT / "platform", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
