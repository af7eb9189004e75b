"""``python -m cognito_lab.bench``: see :mod:`cognito_lab.bench`."""

import sys

from cognito_lab.bench import main

sys.exit(main())
