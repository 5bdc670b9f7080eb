import sys

from catalog.main import spec
from servicekit.cli import main

sys.exit(main(spec))
