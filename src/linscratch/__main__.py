"""`python -m linscratch`: the command line (also what `torchrun -m linscratch` runs)."""

import sys

from linscratch.cli import main

sys.exit(main())
