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

"""The Tempest plugin: ``tempest run`` discovers and runs the suite.

Installed with the ``tempest`` extra, the entry point
``tempest.test_plugins: watcher_conformance`` makes Tempest load this
plugin. The suite then reads its ``[watcher_conformance]`` options from
Tempest's own ``tempest.conf`` (unless ``WATCHER_CONFORMANCE_CONFIG`` names
another file), and ``OS_WATCHER_CONFORMANCE__<OPTION>`` variables still win
over the file.

Tempest starts its test workers itself (``$PYTHON -m
stestr.subunit_runner.run``), not through :mod:`watcher_conformance.boot`.
A worker loads the plugins before it imports any test module, Tempest's
own included, so the plugin enters the concurrency mode there: as early as
a plugin can. This module imports only the standard library, Tempest's
plugin interface and :mod:`watcher_conformance.modes` before that.
"""

import configparser
import os
import sys

from tempest.test_discover import plugins

from watcher_conformance import modes


def discovering():
    """True in a process that loads Tempest's tests (a test worker, or the
    process listing them): there the plugin enters the mode, never in the
    ``tempest`` command's own process.

    Such a process has imported Tempest's ``test_discover/test_discover.py``
    (whose ``load_tests`` loads the plugins), under a name that depends on
    the ``top_dir`` of the ``.stestr.conf``: hence the file comparison.
    """
    hook = os.path.realpath(os.path.join(
        os.path.dirname(plugins.__file__), 'test_discover.py'))
    for name, module in list(sys.modules.items()):
        if (name.endswith('test_discover') and getattr(
                module, '__file__', None)
                and os.path.realpath(module.__file__) == hook):
            return True
    return False


def tempest_config_file():
    """The file Tempest reads, found the way ``tempest.config`` finds it
    (``$TEMPEST_CONFIG_DIR/$TEMPEST_CONFIG``, default ``./etc/tempest.conf``,
    then ``/etc/tempest/tempest.conf``), or None.

    Not ``tempest.config.CONF``: its first use loads every plugin and
    Tempest's logging, which must come after the mode is entered.
    """
    path = os.path.join(
        os.environ.get('TEMPEST_CONFIG_DIR', os.path.join(os.getcwd(),
                                                          'etc')),
        os.environ.get('TEMPEST_CONFIG', 'tempest.conf'))
    for candidate in (path, '/etc/tempest/tempest.conf'):
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


def mode_in_file(path):
    """``[watcher_conformance] mode`` in *path*, or None.

    Read with the standard library: oslo.config comes after the mode is
    entered. The test's ``setUp`` compares the mode the process runs in
    with the one oslo.config reads, so the two readings cannot disagree
    silently.
    """
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path)
    except configparser.Error as exc:
        raise modes.ModeError('cannot read %s: %s'
                              % (path, str(exc).splitlines()[0])) from None
    return parser.get('watcher_conformance', 'mode', fallback=None) or None


def use_tempest_config():
    """Point the suite at ``tempest.conf`` and take the mode from it, unless
    the environment already names a config file or a mode.

    Setting the environment (not only this process's configuration) is
    what carries both to the processes the checks start.
    """
    from watcher_conformance import config
    path = os.environ.get(config.CONFIG_FILE_ENV) or tempest_config_file()
    if not path:
        return
    os.environ.setdefault(config.CONFIG_FILE_ENV, path)
    if not os.environ.get(modes.ENV_VAR):
        mode = mode_in_file(path)
        if mode:
            os.environ[modes.ENV_VAR] = mode


class WatcherConformancePlugin(plugins.TempestPlugin):
    """The suite as a Tempest plugin: its tests and its options."""

    def __init__(self):
        super().__init__()
        if discovering():
            use_tempest_config()
            # A bad mode must stop the worker with one clear line: Tempest
            # would otherwise report a failed import for every module.
            try:
                modes.enter()
            except modes.ModeError as exc:
                sys.exit('watcher_conformance tempest plugin: %s' % exc)

    def load_tests(self):
        """The suite's test package and the directory above the package."""
        suite_dir = os.path.join(
            os.path.dirname(os.path.abspath(__file__)), 'tests')
        return suite_dir, os.path.dirname(os.path.dirname(suite_dir))

    def register_opts(self, conf):
        """Register ``[watcher_conformance]`` in Tempest's configuration:
        ``tempest.conf`` may set it, and Tempest's sample config shows it."""
        from watcher_conformance import config
        for group, opts in config.list_opts():
            conf.register_group(group)
            conf.register_opts(opts, group=group)

    def get_opt_lists(self):
        from watcher_conformance import config
        return [(group.name, opts) for group, opts in config.list_opts()]
