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

"""Configuration of the reference implementation.

The options mirror upstream Watcher's, in the same groups, so a deployer's
knowledge carries over. The reference keeps its own ConfigOpts; a service
embedding it loads its files with :func:`load`.
"""

from oslo_config import cfg

CONF = cfg.ConfigOpts()

DECISION_ENGINE = cfg.OptGroup('watcher_decision_engine',
                               title='Decision engine options')
DECISION_ENGINE_OPTS = [
    cfg.IntOpt('max_general_workers', default=4, min=1,
               help='Number of workers of the general-purpose threadpool. '
                    'Each is a thread (or a green thread in eventlet mode) '
                    'that may hold a connection to another service: raise '
                    'it with the size of the cloud, and with care.'),
]

CONF.register_group(DECISION_ENGINE)
CONF.register_opts(DECISION_ENGINE_OPTS, group=DECISION_ENGINE)


def load(args=(), default_config_files=None):
    """Parse command-line *args* and config files into :data:`CONF`."""
    CONF(list(args), project='watcher', default_config_files=(
        default_config_files or []))


def list_opts():
    return [(DECISION_ENGINE, DECISION_ENGINE_OPTS)]
