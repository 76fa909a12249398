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

"""Concurrency modes the suite runs in.

A mode is data: its name, what it needs patched before anything else is
imported, and how to tell that the process really runs in it. Adding the
asyncio mode later is one more entry in :data:`MODES`.

This module must stay importable before monkey patching: it imports only the
standard library at module level.
"""

import dataclasses
import importlib
import os
import sys
import warnings

#: The environment variable naming the mode. It is the variable oslo.config
#: reads for ``[watcher_conformance] mode``, so the early bootstrap and the
#: configuration always agree.
ENV_VAR = 'OS_WATCHER_CONFORMANCE__MODE'
DEFAULT = 'threading'


class ModeError(Exception):
    """The requested mode is unknown or could not be entered."""


@dataclasses.dataclass(frozen=True)
class Mode:
    """One concurrency mode.

    :param name: the name users give (``--mode``,
        ``OS_WATCHER_CONFORMANCE__MODE``).
    :param description: one line for listings and reports.
    :param enter: dotted path of a function that puts the process into the
        mode; called before anything else is imported. None for nothing.
    :param check: dotted path of a function returning True when the process
        is in the mode.
    """

    name: str
    description: str
    enter: str | None
    check: str | None


def _call(path):
    module, _, attr = path.rpartition('.')
    return getattr(importlib.import_module(module), attr)()


def quiet_eventlet():
    """Silence eventlet's import banner: futurist imports eventlet in every
    mode, and its deprecation is the reason this project exists, not news to
    its users."""
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')


def _eventlet_enter():
    import eventlet
    eventlet.monkey_patch()


def _eventlet_check():
    if 'eventlet' not in sys.modules:
        return False
    from eventlet import patcher
    return patcher.is_monkey_patched('thread')


def _threading_check():
    return not _eventlet_check()


MODES = {
    'threading': Mode(
        'threading', 'native OS threads (futurist ThreadPoolExecutor)',
        enter=None, check=__name__ + '._threading_check'),
    'eventlet': Mode(
        'eventlet', 'eventlet green threads, monkey-patched first',
        enter=__name__ + '._eventlet_enter',
        check=__name__ + '._eventlet_check'),
}


def requested():
    """The mode named by the environment, validated."""
    name = os.environ.get(ENV_VAR) or DEFAULT
    if name not in MODES:
        raise ModeError('unknown mode %r (known modes: %s)'
                        % (name, ', '.join(sorted(MODES))))
    return MODES[name]


def enter():
    """Put this process into the requested mode; idempotent.

    :returns: the :class:`Mode` entered.
    """
    mode = requested()
    quiet_eventlet()
    if mode.enter and not _call(mode.check):
        _call(mode.enter)
    return mode


def current():
    """The mode this process runs in; raises if it is not the requested one."""
    mode = requested()
    if mode.check and not _call(mode.check):
        raise ModeError('this process was asked to run in mode %r but is not '
                        'in it (was something imported before the patch?)'
                        % mode.name)
    return mode
