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

"""When the machine fails a check, not the implementation.

A server that does not start, a disk that is full: a check that meets one
cannot judge the implementation, and must not blame it. Fixtures raise
:class:`EnvironmentFault` (the OS raises ``ENOSPC``); the check is then
reported as skipped, its reason starting with :data:`PREFIX`, with what the
environment said (a server's log) in the reason.
"""

import errno

#: How a skip for the environment's fault starts.
PREFIX = 'the environment failed, not the implementation: '
#: OS errors that are the machine's state, whoever meets them.
_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


class EnvironmentFault(Exception):
    """The machine cannot give a check what it needs."""


def is_fault(error):
    """Whether *error* is the environment's doing."""
    return isinstance(error, EnvironmentFault) or (
        isinstance(error, OSError) and error.errno in _ERRNOS)


def report(case, result, error):
    """testtools exception handler: a fault of the environment is a skip
    with its reason; any other error is reported as testtools would."""
    if not is_fault(error):
        return case._report_error(case, result, error)
    case._add_reason(PREFIX + ' '.join(str(error).split())[:2000])
    result.addSkip(case, details=case.getDetails())


def report_faults(case):
    """Make testtools *case* report environment faults as skips (call it
    from ``__init__``: handlers are read when the test runs)."""
    case.exception_handlers.insert(0, (OSError, report))
    case.exception_handlers.insert(0, (EnvironmentFault, report))
