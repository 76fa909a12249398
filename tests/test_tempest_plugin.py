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

"""The Tempest plugin's pieces (``tox -e tempest`` runs these, and the
plugin under the real ``tempest run``; they skip without Tempest)."""

import importlib.util
import os
import subprocess
import sys
import unittest

import fixtures
from oslo_config import cfg

from tests import base
from watcher_conformance import config
from watcher_conformance import modes

# Tempest is an optional extra: without it these skip, but an import error
# of the plugin itself must still fail.
HAVE_TEMPEST = importlib.util.find_spec('tempest') is not None
if HAVE_TEMPEST:
    from watcher_conformance import tempest_plugin


@unittest.skipUnless(HAVE_TEMPEST, 'tempest is not installed '
                     '(pip install .[tempest])')
class TempestPluginTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        for name in (config.CONFIG_FILE_ENV, modes.ENV_VAR,
                     'TEMPEST_CONFIG_DIR', 'TEMPEST_CONFIG'):
            self.useFixture(fixtures.EnvironmentVariable(name))

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def test_load_tests_names_the_suite_package(self):
        suite_dir, top_dir = tempest_plugin.WatcherConformancePlugin(
        ).load_tests()
        import watcher_conformance.tests as suite
        self.assertEqual(os.path.dirname(suite.__file__), suite_dir)
        # Discovery from top_dir must name the tests watcher_conformance...
        self.assertEqual(os.path.join(top_dir, 'watcher_conformance',
                                      'tests'), suite_dir)

    def test_register_opts_reads_the_group_from_tempest_conf(self):
        conf = cfg.ConfigOpts()
        tempest_plugin.WatcherConformancePlugin().register_opts(conf)
        path = self.write('tempest.conf', '[watcher_conformance]\n'
                          'mode = eventlet\nmax_workers = 7\n')
        conf([], default_config_files=[path], use_env=False)
        self.assertEqual('eventlet', conf.watcher_conformance.mode)
        self.assertEqual(7, conf.watcher_conformance.max_workers)

    def test_get_opt_lists_has_every_option(self):
        [(group, opts)] = tempest_plugin.WatcherConformancePlugin(
        ).get_opt_lists()
        self.assertEqual('watcher_conformance', group)
        self.assertIn('mode', [o.name for o in opts])
        self.assertEqual(len(config.OPTS), len(opts))

    def test_config_file_found_like_tempest(self):
        path = self.write('my.conf', '')
        self.useFixture(fixtures.EnvironmentVariable('TEMPEST_CONFIG_DIR',
                                                     self.dir))
        self.useFixture(fixtures.EnvironmentVariable('TEMPEST_CONFIG',
                                                     'my.conf'))
        self.assertEqual(path, tempest_plugin.tempest_config_file())

    def test_mode_read_from_file(self):
        path = self.write('t.conf', '[DEFAULT]\nlog_dir = x\n'
                          '[watcher_conformance]\nmode = eventlet\n')
        self.assertEqual('eventlet', tempest_plugin.mode_in_file(path))

    def test_no_section_means_no_mode(self):
        path = self.write('t.conf', '[DEFAULT]\nlog_dir = x\n')
        self.assertIsNone(tempest_plugin.mode_in_file(path))

    def test_unreadable_file_is_one_clear_error(self):
        path = self.write('t.conf', 'no section header\n')
        error = self.assertRaises(modes.ModeError,
                                  tempest_plugin.mode_in_file, path)
        self.assertIn(path, str(error))
        self.assertEqual(1, len(str(error).splitlines()))

    def test_tempest_conf_sets_config_file_and_mode(self):
        path = self.write('tempest.conf',
                          '[watcher_conformance]\nmode = eventlet\n')
        self.useFixture(fixtures.EnvironmentVariable('TEMPEST_CONFIG_DIR',
                                                     self.dir))
        tempest_plugin.use_tempest_config()
        self.assertEqual(path, os.environ[config.CONFIG_FILE_ENV])
        self.assertEqual('eventlet', os.environ[modes.ENV_VAR])

    def test_environment_wins_over_tempest_conf(self):
        self.write('tempest.conf', '[watcher_conformance]\nmode = eventlet\n')
        other = self.write('other.conf', '')
        self.useFixture(fixtures.EnvironmentVariable('TEMPEST_CONFIG_DIR',
                                                     self.dir))
        self.useFixture(fixtures.EnvironmentVariable(config.CONFIG_FILE_ENV,
                                                     other))
        self.useFixture(fixtures.EnvironmentVariable(modes.ENV_VAR,
                                                     'threading'))
        tempest_plugin.use_tempest_config()
        self.assertEqual(other, os.environ[config.CONFIG_FILE_ENV])
        self.assertEqual('threading', os.environ[modes.ENV_VAR])

    def test_not_discovering_outside_tempest_workers(self):
        self.assertFalse(tempest_plugin.discovering())

    def load_plugin(self, discovering, **env):
        """Load the plugin in a fresh process (entering a mode cannot be
        undone), as Tempest's test discovery does when *discovering*; the
        process prints whether eventlet patched it."""
        code = '\n'.join([
            'import os, sys, types',
            'from tempest.test_discover import plugins',
            'if %r:' % discovering,
            # Tempest's discovery module, as a worker has imported it.
            '    hook = types.ModuleType("test_discover.test_discover")',
            '    hook.__file__ = os.path.join(',
            '        os.path.dirname(plugins.__file__), "test_discover.py")',
            '    sys.modules[hook.__name__] = hook',
            'from watcher_conformance import modes, tempest_plugin',
            'tempest_plugin.WatcherConformancePlugin()',
            'print(modes._eventlet_check())'])
        return subprocess.run(
            [sys.executable, '-c', code], cwd=self.dir, text=True,
            env=dict(os.environ, TEMPEST_CONFIG_DIR=self.dir, **env),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def test_discovery_enters_the_mode_in_tempest_conf(self):
        self.write('tempest.conf', '[watcher_conformance]\nmode = eventlet\n')
        proc = self.load_plugin(True)
        self.assertEqual((0, 'True'), (proc.returncode, proc.stdout.strip()),
                         proc.stderr)

    def test_tempest_command_itself_is_never_patched(self):
        self.write('tempest.conf', '[watcher_conformance]\nmode = eventlet\n')
        proc = self.load_plugin(False)
        self.assertEqual((0, 'False'), (proc.returncode, proc.stdout.strip()),
                         proc.stderr)

    def test_bad_mode_stops_a_worker_with_one_line(self):
        self.write('tempest.conf', '[watcher_conformance]\nmode = fibres\n')
        proc = self.load_plugin(True)
        self.assertEqual(1, proc.returncode, proc.stderr)
        self.assertEqual(["watcher_conformance tempest plugin: unknown mode "
                          "'fibres' (known modes: eventlet, threading)"],
                         proc.stderr.strip().splitlines())
