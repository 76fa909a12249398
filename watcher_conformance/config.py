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

"""The suite's configuration: the ``[watcher_conformance]`` group.

Every option can be set three ways, last one wins:

* a config file named by ``WATCHER_CONFORMANCE_CONFIG`` (or Tempest's
  ``tempest.conf`` when run as a Tempest plugin);
* the environment, as oslo.config reads it:
  ``OS_WATCHER_CONFORMANCE__<OPTION>`` (for example
  ``OS_WATCHER_CONFORMANCE__MODE=eventlet``), which is what tox and Zuul jobs
  set;
* :func:`override`, for code that runs the suite in-process.

The suite keeps its own :class:`oslo_config.cfg.ConfigOpts`: an
implementation under test (upstream Watcher, say) owns the global
``cfg.CONF`` and the suite must not disturb it.
"""

import configparser
import contextlib
import math
import os
import re

from oslo_config import cfg

from watcher_conformance import modes

GROUP = cfg.OptGroup(
    'watcher_conformance', title='watcher-conformance options',
    help='Which implementation the conformance suite checks, in which '
         'concurrency mode, and how patient it is.')

OPTS = [
    cfg.StrOpt('implementation', default='reference',
               help='The implementation under test: a name in the entry '
                    'point group watcher_conformance.implementations, or '
                    'package.module:attribute.'),
    cfg.StrOpt('mode', default=modes.DEFAULT, choices=sorted(modes.MODES),
               help='Concurrency mode of this run. It must match the mode '
                    'the test process was started in (see '
                    'watcher_conformance.boot).'),
    cfg.FloatOpt('test_timeout', default=60.0, min=0.1,
                 help='Seconds after which a test is declared hung: it fails '
                      'with the stacks of every thread and green thread.'),
    cfg.FloatOpt('wait_timeout', default=10.0, min=0.05,
                 help='Seconds a check waits for an event it forces (a task '
                      'starting, a callback firing) before failing. A correct '
                      'implementation never comes near it.'),
    cfg.FloatOpt('quiescence_window', default=0.2, min=0.0,
                 help='Seconds a check watches for something that must NOT '
                      'happen (a task beyond the worker bound starting). '
                      'Verdicts of correct implementations never depend on '
                      'it.'),
    cfg.IntOpt('max_workers', default=4, min=2,
               help='Worker count the suite configures on pools it builds.'),
    cfg.StrOpt('database_url', default='',
               help='SQLAlchemy URL of the database pieces keep their state '
                    'in (the workflow engine). Empty: a fresh SQLite file '
                    'per test, in a temporary directory.'),
    cfg.StrOpt('coordination_url', default='',
               help='tooz backend URL the conductor checks coordinate '
                    'processes through. Empty: a file backend in a '
                    'temporary directory for in-process checks, and a '
                    'redis-server the suite starts on loopback for the '
                    'cross-process ones.'),
    cfg.IntOpt('race_iterations', default=50, min=1,
               help='How many times race checks repeat a forced '
                    'interleaving.'),
]

CONFIG_FILE_ENV = 'WATCHER_CONFORMANCE_CONFIG'

_conf = None


def list_opts():
    """Options for oslo-config-generator and the Tempest plugin."""
    return [(GROUP, OPTS)]


def register(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def get():
    """The ``[watcher_conformance]`` group of the suite's configuration."""
    global _conf
    if _conf is None:
        conf = cfg.ConfigOpts()
        register(conf)
        files = [os.environ[CONFIG_FILE_ENV]] if os.environ.get(
            CONFIG_FILE_ENV) else []
        conf([], project='watcher_conformance', default_config_files=files,
             use_env=True)
        _conf = conf
    return _conf.watcher_conformance


class ConfigError(Exception):
    """The configuration cannot be used: one line saying which value."""


def _one_line(exc):
    # oslo.config names where a value came from as a LocationInfo repr:
    # the detail (a file, an environment variable) is what people set.
    text = re.sub(r"LocationInfo\(location=<[^>]*>, detail='([^']*)'\)",
                  r'\1', str(exc))
    return ' '.join(text.split())


def unknown_options(path):
    """Names in the ``[watcher_conformance]`` section of the file at *path*
    that are no option (typos, options of another version)."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(path)
    except configparser.Error:
        return []  # oslo.config reports the file itself
    if not parser.has_section(GROUP.name):
        return []
    known = {opt.dest for opt in OPTS}
    return sorted(set(parser.options(GROUP.name)) - known)


def validate():
    """Read every option once, so that a bad value is found before anything
    runs.

    :returns: warnings (unknown options), one line each.
    :raises ConfigError: naming the value that cannot be used.
    """
    global _conf
    try:
        group = get()
        values = {opt.dest: getattr(group, opt.dest) for opt in OPTS}
    except (cfg.Error, ValueError) as exc:
        _conf = None
        raise ConfigError(_one_line(exc)) from None
    for name in ('test_timeout', 'wait_timeout', 'quiescence_window'):
        if not math.isfinite(values[name]):
            raise ConfigError('option %s must be a finite number of '
                              'seconds, not %s' % (name, values[name]))
    if values['database_url']:
        _check_database(values['database_url'])
    path = os.environ.get(CONFIG_FILE_ENV)
    return ['config file %s: unknown option [%s] %s (ignored)'
            % (path, GROUP.name, name)
            for name in (unknown_options(path) if path else [])]


def _check_database(url):
    import sqlalchemy
    try:
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect():
                pass
        finally:
            engine.dispose()
    except Exception as exc:
        raise ConfigError('option database_url %r cannot be opened: %s: %s'
                          % (url, type(exc).__name__,
                             ' '.join(str(exc).split())[:300])) from None


@contextlib.contextmanager
def override(**values):
    """Override options for the duration of a ``with`` block."""
    get()
    for name, value in values.items():
        _conf.set_override(name, value, group=GROUP)
    try:
        yield _conf.watcher_conformance
    finally:
        for name in values:
            _conf.clear_override(name, group=GROUP)
