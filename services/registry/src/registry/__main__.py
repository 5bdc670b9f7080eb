import sys

from registry.main import spec
from servicekit.cli import main

sys.exit(main(spec))
