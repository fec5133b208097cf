import signal
import sys

from .cli import main

try:
    sys.exit(main())
except KeyboardInterrupt:  # Ctrl-C before or after main's own handler: one line, no traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("\nStopped (Ctrl-C).", file=sys.stderr)
    sys.exit(130)
