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

"""The futurist executor of the process's concurrency mode."""

import warnings

import futurist
from oslo_utils import eventletutils


def green():
    """True when eventlet has patched threading in this process."""
    return eventletutils.is_monkey_patched('thread')


def make(max_workers):
    """A GreenThreadPoolExecutor under eventlet, else a ThreadPoolExecutor."""
    if green():
        with warnings.catch_warnings():
            # futurist deprecates its green executor; eventlet mode is
            # exactly where it is still the right one.
            warnings.simplefilter('ignore', DeprecationWarning)
            return futurist.GreenThreadPoolExecutor(max_workers=max_workers)
    return futurist.ThreadPoolExecutor(max_workers=max_workers)
