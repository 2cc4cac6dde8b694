"""``python -m salesdw.cli``: the same as the ``salesdw`` command."""

import sys

from salesdw.cli import main

sys.exit(main())
