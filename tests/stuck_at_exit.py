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

"""A module whose thread never ends, for the exit guard's tests (not
collected: the module name does not start with test).

Arguments: the exit code (a number, or a message), and ``--daemon`` for a
daemon thread joined by an exit handler."""

import atexit
import sys
import threading

_daemon = '--daemon' in sys.argv
_stuck = threading.Thread(target=threading.Event().wait, name='stuck-worker',
                          daemon=_daemon)
_stuck.start()
if _daemon:
    atexit.register(_stuck.join)  # as futurist's exit handler does
print('module done')
_code = sys.argv[1] if len(sys.argv) > 1 else '0'
sys.exit(int(_code) if _code.isdigit() else _code)
