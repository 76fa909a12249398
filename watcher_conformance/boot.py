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
"""

import runpy
import sys

from watcher_conformance import modes


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        modes.enter()
    except modes.ModeError as exc:
        sys.exit('watcher-conformance: %s' % exc)
    if len(argv) < 2 or argv[0] != '-m':
        sys.exit('usage: python -m watcher_conformance.boot -m MODULE [ARGS]')
    module = argv[1]
    sys.argv = [module] + argv[2:]
    runpy.run_module(module, run_name='__main__', alter_sys=True)


if __name__ == '__main__':
    main()
