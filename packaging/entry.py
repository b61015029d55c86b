"""The bundle's entry point: the same command line as an installed `warranty-desk`."""

import sys

from warranty_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
