import sys

from finance.main import spec
from servicekit.cli import main

sys.exit(main(spec))
