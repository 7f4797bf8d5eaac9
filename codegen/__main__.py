"""`python -m codegen`: see codegen.generate."""

import sys

from codegen.generate import main

sys.exit(main())
