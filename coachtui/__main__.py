import sys

from coachtui.cli import main

sys.exit(main())
