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

"""Find an implementation by entry-point name or ``module:attribute``."""

import functools
import importlib

from stevedore import extension

from watcher_conformance import contract

GROUP = 'watcher_conformance.implementations'


class LoadError(Exception):
    """The implementation could not be found or is not one."""


def installed():
    """Names registered in the entry point group, sorted."""
    manager = extension.ExtensionManager(GROUP, invoke_on_load=False)
    return sorted(manager.names())


def _describe_installed():
    names = installed()
    return ', '.join(names) if names else 'none'


def _import_path(spec):
    module_name, _, attr_path = spec.partition(':')
    try:
        obj = importlib.import_module(module_name)
        for attr in attr_path.split('.'):
            obj = getattr(obj, attr)
    except Exception as exc:
        raise LoadError('cannot load implementation %r: %s: %s '
                        '(installed implementations: %s)'
                        % (spec, type(exc).__name__, exc,
                           _describe_installed())) from None
    return obj


def _entry_point(name):
    try:
        manager = extension.ExtensionManager(GROUP, invoke_on_load=False)
    except Exception as exc:  # a broken third-party entry point
        raise LoadError('cannot read entry point group %s: %s'
                        % (GROUP, exc)) from None
    if name not in manager.names():
        raise LoadError('no implementation named %r in entry point group %s '
                        '(installed implementations: %s; or give '
                        'package.module:attribute)'
                        % (name, GROUP, _describe_installed()))
    try:
        return manager[name].plugin
    except Exception as exc:
        raise LoadError('cannot load implementation %r from entry point '
                        'group %s: %s: %s'
                        % (name, GROUP, type(exc).__name__, exc)) from None


@functools.lru_cache(maxsize=None)
def load(spec):
    """The :class:`~watcher_conformance.contract.Implementation` for *spec*.

    :raises LoadError: with one line naming what was tried and the
        implementations installed.
    """
    if not spec:
        raise LoadError('no implementation given (installed '
                        'implementations: %s)' % _describe_installed())
    obj = _import_path(spec) if ':' in spec else _entry_point(spec)
    if not isinstance(obj, contract.Implementation):
        raise LoadError('%r is a %s, not a watcher_conformance.contract.'
                        'Implementation' % (spec, type(obj).__name__))
    return obj
