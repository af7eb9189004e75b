"""``python -m cognito_lab.cli`` is the ``cognito-lab`` command."""

import sys

from . import main

sys.exit(main())
