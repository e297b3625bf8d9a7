#!/usr/bin/env python
"""Django's command-line utility; the `unknot` console script does the same."""

import sys

from unknot.cli import main

if __name__ == "__main__":
    sys.exit(main())
