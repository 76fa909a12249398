# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Enter the requested concurrency mode, then run a module as ``python -m``.

stestr starts its workers as ``$PYTHON -m stestr.subunit_runner.run ...``.
Setting ``PYTHON="python -m watcher_conformance.boot"`` makes every worker
monkey-patch (in eventlet mode) before the test runner, testtools or any
test module is imported::

    python -m watcher_conformance.boot -m stestr.subunit_runner.run ...

The test packages also enter the mode when imported, for runners that do not
go through this module (Tempest sets ``PYTHON`` itself).

When the module is done, threads a failed check left stuck (a worker of an
implementation's pool, blocked for good) would keep the process alive
forever, since Python and the pools' exit handlers join them: the exit gets
:data:`EXIT_GRACE` seconds, then the process ends without them, saying so
on stderr.
"""

import os
import runpy
import signal
import sys
import threading

from watcher_conformance import modes

#: Seconds the process gets to exit once its module is done.
EXIT_GRACE = 10.0


def _exit_status(code):
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def finish(code, grace=None):
    """Exit with *code*. Python's exit joins non-daemon threads, and
    libraries' exit handlers join their pools' workers (futurist does): if
    a failed check left one stuck, the exit would never end. A watchdog
    ends the process after *grace* seconds, naming the threads left."""
    status = _exit_status(code)

    def abandon():
        # By name: under eventlet, main_thread() is not the patched
        # module's record of the main thread.
        left = sorted(t.name for t in threading.enumerate()
                      if t is not threading.current_thread()
                      and t.name != 'MainThread')
        sys.stderr.write('watcher-conformance: exit did not complete within '
                         '%.0f s, threads abandoned: %s\n'
                         % (grace, ', '.join(left) or 'none'))
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(status)

    grace = EXIT_GRACE if grace is None else grace
    watchdog = threading.Timer(grace, abandon)
    watchdog.daemon = True
    watchdog.name = 'exit-watchdog'
    watchdog.start()
    sys.exit(code)


def _interrupt(signum, frame):
    raise KeyboardInterrupt('signal %d' % signum)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM (the run being stopped) interrupts like Ctrl-C, so that the
    # running check's cleanups still remove what it created.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        modes.enter()
    except modes.ModeError as exc:
        sys.exit('watcher-conformance: %s' % exc)
    if len(argv) < 2 or argv[0] != '-m':
        sys.exit('usage: python -m watcher_conformance.boot -m MODULE [ARGS]')
    module = argv[1]
    sys.argv = [module] + argv[2:]
    try:
        runpy.run_module(module, run_name='__main__', alter_sys=True)
    except SystemExit as exc:
        finish(exc.code)
    finish(0)


if __name__ == '__main__':
    main()
