"""Entry point: ``.venv/bin/python -m scripts.bench [--quick]``."""

import sys

from scripts.bench.run import main

sys.exit(main())
