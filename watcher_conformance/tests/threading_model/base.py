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

"""What the threading-model checks build on."""

from watcher_conformance import base
from watcher_conformance import probes

#: The most work (callbacks, records) a long loop may do between two
#: yields under eventlet.
LONGEST_STRIDE = 1000


class EventletOnly:
    """Mixin: the checks of the class only exist under eventlet."""

    def setUp(self):
        super().setUp()
        if self.mode != 'eventlet':
            self.skipTest('native threads are switched by the interpreter: '
                          'no green thread can starve another, no C call '
                          'stalls the others')


class ThreadingModelTestCase(base.ConformanceTestCase):

    def assertProvoked(self, control, what):
        """Fail as inconclusive (not pass) when the negative control did not
        show the hazard: the check would then prove nothing."""
        if not control:
            raise AssertionError('inconclusive: the negative control did '
                                 'not provoke %s, so the check proves '
                                 'nothing here' % what)

    def ticking(self, progress):
        return probes.Ticker(progress)

    def stride_of_plain_loop(self, count):
        """The stride a loop of *count* steps that never yields shows: the
        negative control of the yielding checks."""
        done = [0]
        with self.ticking(lambda: done[0]) as ticker:
            for _ in range(count):
                done[0] += 1
        return ticker.longest_stride
